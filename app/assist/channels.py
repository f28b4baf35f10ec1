"""How a consent code reaches the resident's own phone: a channel.

Unlike an activation code (app/accounts/channels.py, which may be handed over in person), a consent
code must never pass through the facilitator: it proves the resident is there and agrees. So only
channels that deliver on their own belong here. None exists in this build; the SMS adapter
registers itself with `register(SmsChannel())` and the "kode ke HP" way appears on its own
(app/assist/service.py code_channel()).
"""


class PhoneChannel:
    """Sends a short text to a participant's phone. `name` is stored nowhere; labels need none."""

    name = ""

    def send_consent_code(self, code, participant, minutes):
        """Send `code` to `participant.phone`; True when handed to the operator."""
        raise NotImplementedError


CHANNELS = {}


def register(channel):
    CHANNELS[channel.name] = channel


def unregister(name):
    CHANNELS.pop(name, None)
