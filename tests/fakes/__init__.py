"""Fakes of outside services that end-to-end tests talk to over real sockets."""
