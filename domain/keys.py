"""Keys derived for one purpose each from a secret kept outside the database (HKDF-SHA256
with a label of the purpose), so no purpose ever uses the session-signing key itself."""
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive(material: str, label: bytes, length: int = 32) -> bytes:
    if not material:
        raise ValueError("no key material")
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None,
                info=label).derive(material.encode())
