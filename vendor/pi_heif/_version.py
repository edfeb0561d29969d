"""Version of pi_heif/pi_heif."""

__version__ = "1.4.0"
