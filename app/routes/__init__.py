"""One blueprint per area: module = blueprint = template folder = URL prefix."""
