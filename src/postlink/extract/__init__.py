"""Pure extraction: HTML or text in, a frozen Document out. No network, no database."""
