// Velai's own script: small on purpose. Pages work without it; htmx does the swapping.
