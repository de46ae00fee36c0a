"""The Zikong benchmark: data generator, load drivers and the runner (see README.md)."""
