"""Input checks shared by the Python workload functions (functions/*-python/handler.py).

The Python harness (functions/_harness/python/harness.py) puts this folder on sys.path after the
function's own folder, so a handler imports it as `from isawatt_input import field`.
"""


def field(event, key, kind, what):
    """The input's `key`, checked to be a `kind`; a clear error naming the field otherwise.

    `what` describes the expected value for the message (`input "key" must be <what>`). A bool is
    not accepted where an int is expected (JSON true is not a number).
    """
    if not isinstance(event, dict):
        raise ValueError("input must be a JSON object")
    value = event.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ValueError(f'input "{key}" must be {what}')
    return value
