-- Automatic HTTPS (DNS-01 certificates). Every instance on the database serves the same
-- certificate; one of them, under an advisory lock, obtains and renews it.

-- Private keys (the ACME account key, each certificate's key). Written and read only through
-- CertificateRepository.saveKey / loadKey, the one place to encrypt them at rest.
CREATE TABLE https_private_keys (
  name       text PRIMARY KEY,
  key_pem    text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The current certificate per name: the leaf followed by its chain. Written in the same
-- transaction as its key, so a failed issuance never leaves half a certificate behind.
CREATE TABLE https_certificates (
  domain          text PRIMARY KEY,
  directory_url   text NOT NULL,
  certificate_pem text NOT NULL,
  not_before      timestamptz NOT NULL,
  not_after       timestamptz NOT NULL,
  issued_at       timestamptz NOT NULL DEFAULT now()
);
