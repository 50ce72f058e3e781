"""Prepare the provider's database: its tables, a signing key, the app as a client and the
people who sign in (``python -m tests.oidc_provider.prepare <spec.json>``)."""

import json
import sys

import django


def main(spec_path: str) -> None:
    django.setup()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oidc_provider.models import Client
    from oidc_provider.models import ResponseType
    from oidc_provider.models import RSAKey

    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    call_command("migrate", verbosity=0, interactive=False)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    RSAKey.objects.create(
        key=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    )
    client = Client.objects.create(
        name="Partnership Monitor",
        client_type="confidential",
        client_id=spec["client_id"],
        client_secret=spec["client_secret"],
        jwt_alg="RS256",
        require_consent=False,
        _redirect_uris=spec["redirect_uri"],
        _post_logout_redirect_uris=spec["post_logout_redirect_uri"],
        _scope="openid email profile",
    )
    client.response_types.add(ResponseType.objects.get(value="code"))
    for person in spec["people"]:
        get_user_model().objects.create_user(**person)


if __name__ == "__main__":
    main(sys.argv[1])
