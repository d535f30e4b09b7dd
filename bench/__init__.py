"""The load harness for the live socket: the app against a minimal websockets baseline (`make bench`)."""
