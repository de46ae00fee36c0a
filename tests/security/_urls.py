"""Example URLs for any rule of app.url_map, so that route walks cover new routes whatever
their converters."""
from werkzeug.routing import AnyConverter, IntegerConverter, Rule


def example_path(app, rule: Rule, **fixed) -> str:
    """A path that matches `rule`: given values, else 1 for ids, the first choice of an
    any(...) converter, "x" for anything else."""
    values = {}
    for name, converter in rule._converters.items():
        if name in fixed:
            values[name] = fixed[name]
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, values, method=next(
            iter(sorted(rule.methods - {"HEAD", "OPTIONS"}))), force_external=False)
