"""Check-in on site: the participant's QR code, the organisers' check-in page, live counts."""
