/*
 * sign.c - the signature layer (sign.h, docs/signing.md): SHA-256, Ed25519
 * verification (and, with EP_SIGNING, key generation and signing) through
 * libsodium, and the one-line text forms of keys and signatures. The only
 * file that includes <sodium.h>. Knows nothing of files, modes, manifests
 * or the engine: trust.c reads the files, the CLI decides what to trust.
 */
#include "fmt.h"
#include "sign.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#ifdef EP_SIGNING
#include <sys/random.h>
#endif

#include <sodium.h>

_Static_assert(EP_SHA256_BYTES == crypto_hash_sha256_BYTES, "SHA-256 size");
_Static_assert(EP_PUBKEY_BYTES == crypto_sign_ed25519_PUBLICKEYBYTES, "public key size");
_Static_assert(EP_SECKEY_BYTES == crypto_sign_ed25519_SECRETKEYBYTES, "secret key size");
_Static_assert(EP_SIG_BYTES == crypto_sign_ed25519_BYTES, "signature size");
_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(ep_sha256_state),
               "ep_sha256_state too small for libsodium's state");

/* The first word of each line says what the line is; the parsers accept
 * exactly these, followed by one space. */
#define PUB_TAG "edgeplug-ed25519-public"
#define SEC_TAG "edgeplug-ed25519-secret"
#define SIG_TAG "edgeplug-ed25519-signature"

/* ep_sign_init needs no libsodium start-up: sodium_init would link every
 * primitive's CPU-feature picker, and the functions used here (portable
 * ref10 code, SHA-2) have no per-CPU variants. Randomness for keygen is
 * read straight from getrandom(2), where a failure is an error, not abort. */
int ep_sign_init(void)
{
	return 0;
}

void ep_sha256(const void *data, size_t len, uint8_t out[EP_SHA256_BYTES])
{
	crypto_hash_sha256(out, data, len);
}

/* The state lives in the caller's opaque words and is copied in and out,
 * so it is only ever accessed as libsodium's type (no aliasing games). */
void ep_sha256_init(ep_sha256_state *s)
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	memset(s, 0, sizeof *s);
	memcpy(s, &st, sizeof st);
}

void ep_sha256_update(ep_sha256_state *s, const void *data, size_t len)
{
	crypto_hash_sha256_state st;

	memcpy(&st, s, sizeof st);
	crypto_hash_sha256_update(&st, data, len);
	memcpy(s, &st, sizeof st);
}

void ep_sha256_final(ep_sha256_state *s, uint8_t out[EP_SHA256_BYTES])
{
	crypto_hash_sha256_state st;

	memcpy(&st, s, sizeof st);
	crypto_hash_sha256_final(&st, out);
	memset(s, 0, sizeof *s);
}

void ep_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}

static const char hexdigits[] = "0123456789abcdef";

static char *put_hex(char *p, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		*p++ = hexdigits[b[i] >> 4];
		*p++ = hexdigits[b[i] & 15];
	}
	return p;
}

void ep_keyid_hex(const uint8_t id[EP_KEYID_BYTES], char buf[17])
{
	*put_hex(buf, id, EP_KEYID_BYTES) = '\0';
}

/* A name (the .pub line's comment): what a file name or an e-mail address
 * is made of, nothing a terminal or a shell would act on. */
static int name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-' || c == '@' || c == '+';
}

int ep_key_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n >= sizeof(((ep_pubkey *)0)->name))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!name_char((unsigned char)name[i]))
			return 0;
	return 1;
}

/* TAG ' ' KEYID ' ' HEX [' ' NAME] '\n' into buf. */
static size_t format_line(char *buf, size_t size, const char *tag, const uint8_t id[EP_KEYID_BYTES],
                          const uint8_t *b, size_t n, const char *name)
{
	size_t tl = strlen(tag), nl = name && *name ? strlen(name) : 0;
	size_t need = tl + 1 + 2 * EP_KEYID_BYTES + 1 + 2 * n + (nl ? 1 + nl : 0) + 1;
	char *p = buf;

	if (size <= need)
		return 0;
	memcpy(p, tag, tl);
	p += tl;
	*p++ = ' ';
	p = put_hex(p, id, EP_KEYID_BYTES);
	*p++ = ' ';
	p = put_hex(p, b, n);
	if (nl) {
		*p++ = ' ';
		memcpy(p, name, nl);
		p += nl;
	}
	*p++ = '\n';
	*p = '\0';
	return need;
}

size_t ep_pubkey_format(const ep_pubkey *k, char *buf, size_t size)
{
	if (!ep_key_name_ok(k->name))
		return 0;
	return format_line(buf, size, PUB_TAG, k->id, k->key, EP_PUBKEY_BYTES, k->name);
}

size_t ep_seckey_format(const ep_seckey *k, char *buf, size_t size)
{
	return format_line(buf, size, SEC_TAG, k->id, k->key, EP_SECKEY_BYTES, NULL);
}

size_t ep_signature_format(const ep_signature *s, char *buf, size_t size)
{
	return format_line(buf, size, SIG_TAG, s->keyid, s->sig, EP_SIG_BYTES, NULL);
}

/* ---- parsing: one line, every byte accounted for ---- */

typedef struct line {
	const char *s;
	size_t len, pos;       /* pos: the next byte; columns are pos + 1 */
	size_t idpos;          /* where the key id starts */
	char *why;
	size_t whylen;
} line;

#if defined(__GNUC__)
static int fail(line *l, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif

static int fail(line *l, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!l->why || !l->whylen)
		return -1;
	n = ep_snprintf(l->why, l->whylen, "line 1, column %zu: ", pos + 1);
	if (n >= 0 && (size_t)n < l->whylen) {
		va_start(ap, fmt);
		ep_vsnprintf(l->why + n, l->whylen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* What a byte that should not be there is called in a message. */
static const char *byte_name(unsigned char c, char buf[8])
{
	if (c == '\n')
		return "end of line";
	if (c == '\r')
		return "carriage return";
	if (c == ' ')
		return "space";
	if (c > 0x20 && c < 0x7f)
		ep_snprintf(buf, 8, "'%c'", c);
	else
		ep_snprintf(buf, 8, "byte %02x", c);
	return buf;
}

static int expect_space(line *l, const char *after)
{
	char nb[8];

	if (l->pos >= l->len)
		return fail(l, l->pos, "file ends after the %s", after);
	if (l->s[l->pos] != ' ')
		return fail(l, l->pos, "%s after the %s, expected one space",
		            byte_name((unsigned char)l->s[l->pos], nb), after);
	l->pos++;
	return 0;
}

/* Exactly 2 * n lowercase hex digits, ending at a space, newline or the end. */
static int hex_field(line *l, const char *what, uint8_t *out, size_t n)
{
	size_t start = l->pos, digits = 0;
	char nb[8];

	while (l->pos < l->len && l->s[l->pos] != ' ' && l->s[l->pos] != '\n') {
		unsigned char c = (unsigned char)l->s[l->pos];
		const char *d = c ? strchr(hexdigits, c) : NULL;

		if (!d) {
			if (c >= 'A' && c <= 'F')
				return fail(l, l->pos, "%s: uppercase hex digit '%c' (edgeplug writes lowercase)",
				            what, c);
			return fail(l, l->pos, "%s: %s is not a hex digit", what, byte_name(c, nb));
		}
		if (digits < 2 * n)
			out[digits / 2] = (uint8_t)(digits % 2 ? out[digits / 2] | (d - hexdigits)
			                                       : (d - hexdigits) << 4);
		digits++;
		l->pos++;
	}
	if (digits != 2 * n)
		return fail(l, start, "%s: %zu hex digits, expected %zu", what, digits, 2 * n);
	return 0;
}

static int expect_end(line *l)
{
	char nb[8];

	if (l->pos >= l->len)
		return fail(l, l->pos, "no newline at the end of the line");
	if (l->s[l->pos] != '\n')
		return fail(l, l->pos, "%s after the last field", byte_name((unsigned char)l->s[l->pos], nb));
	if (l->pos + 1 != l->len) {
		if (l->why && l->whylen)
			ep_snprintf(l->why, l->whylen, "line 2: text after the one line a key or signature file holds");
		return -1;
	}
	return 0;
}

/* TAG ' ' KEYID ' ' HEX, the start every form shares. */
static int parse_head(line *l, const char *tag, const char *kind, uint8_t id[EP_KEYID_BYTES],
                      const char *what, uint8_t *b, size_t n)
{
	size_t tl = strlen(tag);

	if (l->len == 0)
		return fail(l, 0, "empty file, expected an edgeplug %s", kind);
	if (l->len < tl || memcmp(l->s, tag, tl) != 0 || (l->len > tl && l->s[tl] != ' '))
		return fail(l, 0, "not an edgeplug %s (it starts with '%s ')", kind, tag);
	l->pos = tl;
	l->idpos = tl + 1;
	if (expect_space(l, tag) || hex_field(l, "key id", id, EP_KEYID_BYTES) ||
	    expect_space(l, "key id") || hex_field(l, what, b, n))
		return -1;
	return 0;
}

/* The id written in the line must be the key's own: a .pub file edited to
 * claim another key's id is refused, not believed. */
static int check_id(line *l, const uint8_t written[EP_KEYID_BYTES], const uint8_t key[EP_PUBKEY_BYTES])
{
	uint8_t id[EP_KEYID_BYTES];
	char a[17], b[17];

	ep_key_id(key, id);
	if (memcmp(id, written, EP_KEYID_BYTES) == 0)
		return 0;
	ep_keyid_hex(written, a);
	ep_keyid_hex(id, b);
	return fail(l, l->idpos,
	            "key id %s does not match the key (its id is %s)", a, b);
}

int ep_pubkey_parse(const char *text, size_t len, ep_pubkey *out, char *why, size_t whylen)
{
	line l = { text, len, 0, 0, why, whylen };
	ep_pubkey k;

	memset(&k, 0, sizeof k);
	if (parse_head(&l, PUB_TAG, "public key", k.id, "public key", k.key, EP_PUBKEY_BYTES))
		return -1;
	if (l.pos < len && text[l.pos] == ' ') {
		size_t start = ++l.pos, n;

		while (l.pos < len && name_char((unsigned char)text[l.pos]))
			l.pos++;
		n = l.pos - start;
		if (n == 0)
			return fail(&l, start, "empty name after the key (drop the space, or name the key)");
		if (n >= sizeof k.name)
			return fail(&l, start, "name of %zu bytes, at most %zu", n, sizeof k.name - 1);
		if (l.pos < len && text[l.pos] != '\n') {
			char nb[8];
			return fail(&l, l.pos, "name: %s is not allowed (letters, digits and . _ - @ +)",
			            byte_name((unsigned char)text[l.pos], nb));
		}
		memcpy(k.name, text + start, n);
	}
	if (expect_end(&l) || check_id(&l, k.id, k.key))
		return -1;
	*out = k;
	return 0;
}

int ep_seckey_parse(const char *text, size_t len, ep_seckey *out, char *why, size_t whylen)
{
	line l = { text, len, 0, 0, why, whylen };
	ep_seckey k;
	int rc = -1;

	if (parse_head(&l, SEC_TAG, "secret key", k.id, "secret key", k.key, EP_SECKEY_BYTES) ||
	    expect_end(&l))
		goto out;
	/* libsodium's secret key is the seed and then the public key: the id
	 * is the public half's. */
	if (check_id(&l, k.id, k.key + 32))
		goto out;
#ifdef EP_SIGNING
	{
		/* A secret key whose halves disagree would sign with one key
		 * and claim another's id: every signature it made would fail. */
		uint8_t pk[EP_PUBKEY_BYTES], sk[EP_SECKEY_BYTES];
		int bad = crypto_sign_ed25519_seed_keypair(pk, sk, k.key) != 0 ||
		          memcmp(pk, k.key + 32, EP_PUBKEY_BYTES) != 0;

		ep_wipe(sk, sizeof sk);
		if (bad) {
			fail(&l, strlen(SEC_TAG) + 1 + 2 * EP_KEYID_BYTES + 1,
			     "the secret key's seed does not make its public half");
			goto out;
		}
	}
#endif
	*out = k;
	rc = 0;
out:
	ep_wipe(&k, sizeof k);
	return rc;
}

int ep_signature_parse(const char *text, size_t len, ep_signature *out, char *why, size_t whylen)
{
	line l = { text, len, 0, 0, why, whylen };
	ep_signature s;

	if (parse_head(&l, SIG_TAG, "signature", s.keyid, "signature", s.sig, EP_SIG_BYTES) ||
	    expect_end(&l))
		return -1;
	*out = s;
	return 0;
}

int ep_verify(const ep_pubkey *k, const void *msg, size_t len, const ep_signature *sig)
{
	if (memcmp(k->id, sig->keyid, EP_KEYID_BYTES) != 0)
		return 0;
	return crypto_sign_ed25519_verify_detached(sig->sig, msg, len, k->key) == 0;
}

#ifdef EP_SIGNING
int ep_keygen(const char *name, ep_pubkey *pub, ep_seckey *sec)
{
	uint8_t seed[32];
	size_t got = 0;

	if (!ep_key_name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	while (got < sizeof seed) {
		ssize_t n = getrandom(seed + got, sizeof seed - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			ep_wipe(seed, sizeof seed);
			return -1;
		}
		got += (size_t)n;
	}
	memset(pub, 0, sizeof *pub);
	crypto_sign_ed25519_seed_keypair(pub->key, sec->key, seed);
	ep_wipe(seed, sizeof seed);
	ep_key_id(pub->key, pub->id);
	memcpy(sec->id, pub->id, EP_KEYID_BYTES);
	strcpy(pub->name, name);
	return 0;
}

void ep_sign(const ep_seckey *k, const void *msg, size_t len, ep_signature *out)
{
	crypto_sign_ed25519_detached(out->sig, NULL, msg, len, k->key);
	memcpy(out->keyid, k->id, EP_KEYID_BYTES);
}
#endif
