"""The only code that opens sockets: the HTTP client, the address guard."""
