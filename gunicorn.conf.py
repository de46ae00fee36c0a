"""gunicorn settings for Zikong, read by gunicorn from the working directory (its default
`--config ./gunicorn.conf.py`): `make run`, the README's deployment and the benchmark all
start gunicorn from the checkout. Everything else is given on the command line."""
import gc


def post_worker_init(worker):
    """Freeze what the worker has built by now (the app, its routes, SQLAlchemy's mappers,
    the translations) out of the garbage collector's sight. They live as long as the
    worker, and a full collection that walked them all stalled whichever request it fell
    on (docs/decisions.md); afterwards it walks only what requests have added."""
    gc.collect()
    gc.freeze()
