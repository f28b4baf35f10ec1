"""How a one-time access code reaches the person: a channel.

The flow (app/accounts/service.py) makes the code, stores only its hash and hands the plain code to
a channel once. A channel returns what the issuing officer must pass on themselves (in person: the
code, printed or read out), or None when it delivered the code on its own (an SMS channel, later:
register it in CHANNELS and the flow does not change).
"""


class Channel:
    """A way to deliver a code. `name` is stored with the code (labels: CODE_CHANNEL_LABELS)."""

    name = ""

    def deliver(self, code, participant=None, user=None):
        """Send `code` to the participant or staff account; return what the issuer must hand over
        in person, or None."""
        raise NotImplementedError


class InPerson(Channel):
    """The officer or facilitator who checked the resident's KTP prints the code or reads it out."""

    name = "langsung"

    def deliver(self, code, participant=None, user=None):
        return code


CHANNELS = {channel.name: channel for channel in (InPerson(),)}
DEFAULT_CHANNEL = InPerson.name
