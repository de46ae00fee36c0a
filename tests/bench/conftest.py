"""The benchmark's own marker (pyproject's --strict-markers needs it registered)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "bench: runs the benchmark harness at a small size "
                            "(keeps bench/ working; asserts nothing about speed)")
