"""JWT (Python): create and sign an HS256 JSON Web Token with PyJWT, then verify it.

Input: {"secret": hex string, "claims": {...}}. Output: {"token", "verified", "claims"}; the
verification decodes the token we just made with the same key and checks every claim round-trips.
"""
import random

import jwt

from isawatt_input import field

ROLES = ["reader", "writer", "admin", "auditor", "billing", "support"]


def make_input(seed):
    rng = random.Random(seed)
    issued = 1_700_000_000 + rng.randrange(0, 10_000_000)
    return {
        "secret": "%064x" % rng.getrandbits(256),
        "claims": {
            "sub": "user-%06d" % rng.randrange(1_000_000),
            "name": "User %d" % rng.randrange(1_000_000),
            "iss": "isawatt",
            "aud": "isawatt-workload",
            "iat": issued,
            "exp": issued + 3600,
            "roles": rng.sample(ROLES, 3),
        },
    }


def handler(event):
    secret = field(event, "secret", str, "a non-empty string")
    claims = field(event, "claims", dict, "an object")
    if not secret:
        raise ValueError('input "secret" must be a non-empty string')
    token = jwt.encode(claims, secret, algorithm="HS256")
    # exp/iat are checked against the claims themselves, not the wall clock: inputs are fixed
    # per seed and must stay valid forever.
    decoded = jwt.decode(
        token,
        secret,
        algorithms=["HS256"],
        audience=claims.get("aud"),
        options={"verify_exp": False, "verify_iat": False},
    )
    return {"token": token, "verified": decoded == claims, "claims": decoded}
