"""The machinery behind :mod:`ganzoo.registry`: finding plugins, peeking at them
without importing, and loading them. Use :mod:`ganzoo.registry`, not these modules."""
