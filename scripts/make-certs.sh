#!/usr/bin/env bash
# A private CA and certificates for TLS and mTLS in tests and local runs.
#
#   scripts/make-certs.sh DIR [EXTRA-DNS-NAME...]
#
# Writes DIR/ca.{pem,key}, DIR/server.{pem,key} (for localhost, 127.0.0.1,
# ::1, the compose and Kubernetes service names, and any extra names),
# DIR/client.{pem,key} (signed by the CA), and DIR/other-ca.pem with
# DIR/other-client.{pem,key}: a client the services must refuse.
set -euo pipefail
dir=${1:?usage: make-certs.sh DIR [DNS-NAME...]}
shift
mkdir -p "$dir"
cd "$dir"
days=825

ca() {  # name subject
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
    -keyout "$1.key" -out "$1.pem" -subj "/CN=$2" >/dev/null 2>&1
}
leaf() {  # name ca subject extensions
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$1.key" -out "$1.csr" \
    -subj "/CN=$3" >/dev/null 2>&1
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial \
    -days "$days" -sha256 -extfile "$1.ext" -out "$1.pem" >/dev/null 2>&1
  rm -f "$1.csr" "$1.ext"
}

names="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in listings responses gateway \
  listings.nml.svc.cluster.local responses.nml.svc.cluster.local gateway.nml.svc.cluster.local "$@"; do
  names+=",DNS:$name"
done
ca ca "nml test CA"
leaf server ca "nml server" "subjectAltName=$names
extendedKeyUsage=serverAuth,clientAuth"
leaf client ca "nml client" "extendedKeyUsage=clientAuth"
ca other-ca "someone else's CA"
leaf other-client other-ca "intruder" "extendedKeyUsage=clientAuth"
chmod 600 ./*.key
echo "certificates in $(pwd)"
