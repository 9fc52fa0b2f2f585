"""Prints, as JSON, which of the CloudFormation resource types given as arguments moto's
CloudFormation does not implement (it records them in the stack without creating them)."""
import contextlib
import io
import json
import sys

with contextlib.redirect_stdout(io.StringIO()):
    from moto.cloudformation.parsing import resource_class_from_type

    missing = sorted({t for t in sys.argv[1:] if resource_class_from_type(t) is None})
print(json.dumps(missing))
