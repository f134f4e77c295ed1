"""Server-rendered pages, one small module each."""
