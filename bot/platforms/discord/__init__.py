"""The Discord front end: a command tree generated from the registry, embeds from replies."""
