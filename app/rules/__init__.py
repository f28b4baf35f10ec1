"""Pure JKN rules: no Flask, no database. Dates and amounts come in as arguments.

Views, the CLI, the API and (later) the SMS adapter all call these functions, so one rule has
one implementation. Errors are codes; the forms turn them into words in the user's language.
"""
