#!/bin/sh
# make-certs.sh DIR — makes a throw-away PKI for the tests, with openssl, at
# test time (keys are never committed). Owner: transport (engineer I).
#
# Usage: sh test/peers/make-certs.sh DIR     (DIR is created if needed)
# Exit status 0 when every file below exists. Running it again on a finished
# DIR does nothing (DIR/.complete marks it). All keys are ECDSA P-256; leaf
# certificates are valid 30 days from now unless said otherwise.
#
# Files (this interface is stable: other tests rely on the names):
#   ca.crt ca.key                test CA, the one tests trust
#   server.crt server.key        CN=localhost; SAN DNS:localhost, IP:127.0.0.1,
#                                IP:::1; serverAuth; signed by ca
#   wrong.crt wrong.key          CN=wrong.example; SAN DNS:wrong.example; by ca
#   noip.crt noip.key            CN=localhost; SAN DNS:localhost only (no IP
#                                address); by ca
#   expired.crt expired.key      localhost names (as server.crt), valid
#                                2020-01-01 .. 2020-01-02; by ca
#   future.crt future.key        localhost names, valid from 2099-01-01; by ca
#   other-ca.crt other-ca.key    a second CA that nobody trusts
#   untrusted.crt untrusted.key  localhost names, signed by other-ca
#   client-ca.crt client-ca.key  CA for client certificates (servers trust it
#                                to check clients)
#   client.crt                   CN=hyper-test-client, clientAuth; by client-ca
#   client.key                   its key, PEM encrypted (AES-256-CBC, the
#                                traditional "Proc-Type: 4,ENCRYPTED" form,
#                                which mbedTLS 2.28 reads) with the password
#                                in client.pass (no newline): hyper-test-pass
#   client-plain.key             the same key, unencrypted
#   client.pass                  the password
#   server-chain.crt             server.crt followed by ca.crt
set -eu

dir=${1:?usage: make-certs.sh DIR}
mkdir -p "$dir"
[ -f "$dir/.complete" ] && exit 0
cd "$dir"
db=ca-db
rm -rf "$db"
mkdir -p "$db/newcerts"

pass=hyper-test-pass
localhost_san="DNS:localhost,IP:127.0.0.1,IP:::1"

newkey() { # file
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

mkca() { # name cn
    newkey "$1.key"
    openssl req -new -x509 -key "$1.key" -out "$1.crt" -days 30 -sha256 \
        -subj "/O=hyper tests/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" 2>/dev/null
}

# One `openssl ca` config per issuer: the only way in OpenSSL 3.0 to give a
# certificate dates in the past (-startdate/-enddate), used for all leaves.
# Database files live per issuer so their serials do not collide.
cacfg() { # issuer
    mkdir -p "$db/$1"
    : > "$db/$1/index.txt"
    [ -f "$db/$1/serial" ] || echo 1000 > "$db/$1/serial"
    cat > "$db/$1.cnf" <<EOF
[ ca ]
default_ca = testca
[ testca ]
database = $db/$1/index.txt
new_certs_dir = $db/newcerts
serial = $db/$1/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
commonName = supplied
organizationName = optional
EOF
}

sign() { # name cn issuer san eku dates...
    name=$1 cn=$2 issuer=$3 san=$4 eku=$5
    shift 5
    newkey "$name.key"
    openssl req -new -key "$name.key" -out "$db/$name.csr" \
        -subj "/O=hyper tests/CN=$cn" 2>/dev/null
    cat > "$db/$name.ext" <<EOF
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = $eku
subjectAltName = $san
authorityKeyIdentifier = keyid
EOF
    openssl ca -batch -notext -config "$db/$issuer.cnf" -cert "$issuer.crt" \
        -keyfile "$issuer.key" -in "$db/$name.csr" -out "$name.crt" \
        -extfile "$db/$name.ext" -extensions leaf "$@" 2>"$db/$name.log" ||
        { cat "$db/$name.log" >&2; exit 1; }
}

mkca ca "hyper test CA"
mkca other-ca "hyper untrusted CA"
mkca client-ca "hyper client CA"
cacfg ca
cacfg other-ca
cacfg client-ca

sign server localhost ca "$localhost_san" serverAuth -days 30
sign wrong wrong.example ca "DNS:wrong.example" serverAuth -days 30
sign noip localhost ca "DNS:localhost" serverAuth -days 30
sign expired localhost ca "$localhost_san" serverAuth \
    -startdate 20200101000000Z -enddate 20200102000000Z
sign future localhost ca "$localhost_san" serverAuth \
    -startdate 20990101000000Z -enddate 20991231000000Z
sign untrusted localhost other-ca "$localhost_san" serverAuth -days 30
sign client hyper-test-client client-ca "DNS:hyper-test-client" clientAuth -days 30

mv client.key client-plain.key
printf '%s' "$pass" > client.pass
openssl pkey -in client-plain.key -traditional -aes256 -passout "pass:$pass" \
    -out client.key
cat server.crt ca.crt > server-chain.crt

for f in ca server wrong noip expired future other-ca untrusted client-ca client; do
    [ -s "$f.crt" ] && [ -s "$f.key" ]
done
[ -s client-plain.key ]
touch .complete
