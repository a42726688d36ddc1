/*
 * test_sign.c - unit tests of sign.c and trust.c: SHA-256 known answers
 * (FIPS 180-2), Ed25519 verification of RFC 8032's test vectors 1-3 and of
 * tampered copies, every parser error of the key and signature lines, and
 * the trust store's and secret key files' refusals. Built with EP_SIGNING
 * (make sign-unit, the host build) it also checks key generation and
 * signing, including RFC 8032's deterministic signatures.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "sign.h"
#include "trust.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(h + 2 * i, "%2x", &v) != 1)
			FATAL("bad hex in the test", h);
		out[i] = (uint8_t)v;
	}
}

static int hash_is(const uint8_t h[EP_SHA256_BYTES], const char *hex)
{
	uint8_t want[EP_SHA256_BYTES];
	unhex(hex, want, sizeof want);
	return memcmp(h, want, sizeof want) == 0;
}

static void test_sha256(void)
{
	uint8_t h[EP_SHA256_BYTES];
	ep_sha256_state s;
	static char block[1000];
	const char *abc448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	ep_sha256("abc", 3, h);
	CHECK(hash_is(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "sha256(abc)");
	ep_sha256("", 0, h);
	CHECK(hash_is(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "sha256()");
	ep_sha256(abc448, strlen(abc448), h);
	CHECK(hash_is(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"), "sha256(448 bits)");

	/* One million 'a', in pieces that straddle the 64-byte blocks. */
	memset(block, 'a', sizeof block);
	ep_sha256_init(&s);
	size_t done = 0, step = 1;
	while (done < 1000000) {
		size_t n = step;
		if (n > sizeof block)
			n = sizeof block;
		if (n > 1000000 - done)
			n = 1000000 - done;
		ep_sha256_update(&s, block, n);
		done += n;
		step = step * 3 + 1;
	}
	ep_sha256_final(&s, h);
	CHECK(hash_is(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
	      "sha256 of a million 'a'");
	/* Incremental equals one-shot at every split of a short message. */
	for (size_t cut = 0; cut <= strlen(abc448); cut++) {
		uint8_t one[EP_SHA256_BYTES];
		ep_sha256_init(&s);
		ep_sha256_update(&s, abc448, cut);
		ep_sha256_update(&s, abc448 + cut, strlen(abc448) - cut);
		ep_sha256_final(&s, h);
		ep_sha256(abc448, strlen(abc448), one);
		CHECK(memcmp(h, one, sizeof h) == 0, "sha256 split at %zu", cut);
	}
}

/* RFC 8032 section 7.1, TEST 1 to TEST 3. */
static const struct rfc_vector {
	const char *seed, *pub, *msg, *sig;
} rfc[] = {
	{ "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
	  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
};

/* A public key with its id, named name. */
static ep_pubkey make_pub(const char *hex, const char *name)
{
	ep_pubkey k;
	uint8_t h[EP_SHA256_BYTES];

	memset(&k, 0, sizeof k);
	unhex(hex, k.key, EP_PUBKEY_BYTES);
	ep_sha256(k.key, EP_PUBKEY_BYTES, h);
	memcpy(k.id, h, EP_KEYID_BYTES);
	snprintf(k.name, sizeof k.name, "%s", name);
	return k;
}

static void test_rfc8032(void)
{
	for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++) {
		ep_pubkey k = make_pub(rfc[i].pub, "rfc");
		ep_signature s;
		uint8_t msg[8];
		size_t mlen = strlen(rfc[i].msg) / 2;

		unhex(rfc[i].msg, msg, mlen);
		unhex(rfc[i].sig, s.sig, EP_SIG_BYTES);
		memcpy(s.keyid, k.id, EP_KEYID_BYTES);
		CHECK(ep_verify(&k, msg, mlen, &s) == 1, "RFC 8032 test %zu verifies", i + 1);

		/* One more byte, or one flipped bit, is another message. */
		uint8_t longer[9];
		memcpy(longer, msg, mlen);
		longer[mlen] = 0;
		CHECK(ep_verify(&k, longer, mlen + 1, &s) == 0, "test %zu: longer message fails", i + 1);
		if (mlen) {
			msg[0] ^= 1;
			CHECK(ep_verify(&k, msg, mlen, &s) == 0, "test %zu: tampered message fails", i + 1);
			msg[0] ^= 1;
		}
		/* Flips in R, in S, and S's top byte (non-canonical S). */
		static const size_t flips[] = { 0, 31, 32, 63 };
		for (size_t f = 0; f < 4; f++) {
			ep_signature t = s;
			t.sig[flips[f]] ^= 0x10;
			CHECK(ep_verify(&k, msg, mlen, &t) == 0, "test %zu: signature byte %zu flipped fails",
			      i + 1, flips[f]);
		}
		/* Another key (its own id, so the id check is not what fails). */
		ep_pubkey other = k;
		other.key[5] ^= 0x01;
		uint8_t h[EP_SHA256_BYTES];
		ep_sha256(other.key, EP_PUBKEY_BYTES, h);
		memcpy(other.id, h, EP_KEYID_BYTES);
		ep_signature t = s;
		memcpy(t.keyid, other.id, EP_KEYID_BYTES);
		CHECK(ep_verify(&other, msg, mlen, &t) == 0, "test %zu: tampered key fails", i + 1);
		/* The right key, but the signature names another key id. */
		t = s;
		t.keyid[0] ^= 0xff;
		CHECK(ep_verify(&k, msg, mlen, &t) == 0, "test %zu: wrong key id fails", i + 1);
		/* Another test's signature. */
		t = s;
		unhex(rfc[(i + 1) % 3].sig, t.sig, EP_SIG_BYTES);
		CHECK(ep_verify(&k, msg, mlen, &t) == 0, "test %zu: another signature fails", i + 1);
	}
}

/* parse(text) must fail with want in its message. */
typedef int (*parse_fn)(const char *, size_t, void *, char *, size_t);

static void expect_error(int line, parse_fn parse, const char *text, size_t len, const char *want)
{
	union { ep_pubkey p; ep_seckey s; ep_signature g; } out;
	char why[256] = "";
	int rc = parse(text, len, &out, why, sizeof why);

	check(rc == -1 && strstr(why, want) != NULL, line, "parse of \"%.*s\": rc %d, why \"%s\", want \"%s\"",
	      (int)(len > 60 ? 60 : len), text, rc, why, want);
	check(strchr(why, '\n') == NULL, line, "one-line message: \"%s\"", why);
}

#define PUB ((parse_fn)(void *)ep_pubkey_parse)
#define SEC ((parse_fn)(void *)ep_seckey_parse)
#define SIG ((parse_fn)(void *)ep_signature_parse)
#define BAD(fn, text, want) expect_error(__LINE__, fn, text, strlen(text), want)

/* s with the first occurrence of from replaced by to, in buf. */
static const char *edit(char *buf, size_t size, const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	if (!p)
		FATAL("edit: not found", from);
	snprintf(buf, size, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	return buf;
}

static void test_formats(void)
{
	ep_pubkey k = make_pub(rfc[0].pub, "alice@example.org"), back;
	ep_signature s, sback;
	char line[256], bad[300], why[256];
	size_t n;

	/* Round trips. */
	n = ep_pubkey_format(&k, line, sizeof line);
	CHECK(n == strlen(line) && n > 0 && line[n - 1] == '\n', "public key formats: %s", line);
	CHECK(strncmp(line, "edgeplug-ed25519-public ", 24) == 0, "public key tag");
	CHECK(ep_pubkey_parse(line, n, &back, why, sizeof why) == 0, "public key parses: %s", why);
	CHECK(memcmp(&back.key, &k.key, sizeof k.key) == 0 && memcmp(back.id, k.id, sizeof k.id) == 0 &&
	      strcmp(back.name, k.name) == 0, "public key round trip");
	CHECK(ep_pubkey_format(&k, line, n) == 0, "format refuses a buffer one byte short");
	n = ep_pubkey_format(&k, line, n + 1);
	CHECK(n > 0, "format fits in exactly its length + 1");

	ep_pubkey anon = make_pub(rfc[1].pub, "");
	char aline[256];
	size_t an = ep_pubkey_format(&anon, aline, sizeof aline);
	CHECK(an == 24 + 16 + 1 + 64 + 1, "a key without a name: %s", aline);
	CHECK(ep_pubkey_parse(aline, an, &back, why, sizeof why) == 0 && back.name[0] == '\0',
	      "a key without a name parses: %s", why);

	char idhex[17];
	ep_keyid_hex(k.id, idhex);
	CHECK(strlen(idhex) == 16 && strstr(line, idhex) == line + 24, "key id hex in the line");

	memcpy(s.keyid, k.id, EP_KEYID_BYTES);
	unhex(rfc[0].sig, s.sig, EP_SIG_BYTES);
	char sline[256];
	size_t sn = ep_signature_format(&s, sline, sizeof sline);
	CHECK(sn == 27 + 16 + 1 + 128 + 1, "signature formats: %s", sline);
	CHECK(ep_signature_parse(sline, sn, &sback, why, sizeof why) == 0 &&
	      memcmp(&sback, &s, sizeof s) == 0, "signature round trip: %s", why);

	/* The public key parser, one error at a time. */
	BAD(PUB, "", "empty file");
	BAD(PUB, "ssh-ed25519 AAAA\n", "not an edgeplug public key");
	BAD(PUB, "edgeplug-ed25519-publicX", "not an edgeplug public key");
	BAD(PUB, "edgeplug-ed25519-public", "file ends after the edgeplug-ed25519-public");
	BAD(PUB, edit(bad, sizeof bad, line, "public ", "secret "), "not an edgeplug public key");
	BAD(PUB, sline, "not an edgeplug public key");
	for (size_t cut = 24; cut < n - 1; cut += 7) {
		char t[256];
		memcpy(t, line, cut);
		expect_error(__LINE__, PUB, t, cut, cut < 24 + 16 ? "key id" : cut < 24 + 17 ? "file ends"
		             : cut < 24 + 17 + 64 ? "public key: " : "no newline");
	}
	edit(bad, sizeof bad, line, " alice@example.org", "");
	CHECK(ep_pubkey_parse(bad, strlen(bad), &back, why, sizeof why) == 0 && back.name[0] == '\0',
	      "the name is optional: %s", why);
	{
		/* Damage only the key's hex: the id no longer matches. */
		char t[256];
		strcpy(t, line);
		t[24 + 17] = t[24 + 17] == '0' ? '1' : '0';
		BAD(PUB, t, "does not match the key");
		strcpy(t, line);
		t[24 + 3] = t[24 + 3] == '0' ? '1' : '0';
		BAD(PUB, t, "does not match the key (its id is ");
	}
	BAD(PUB, edit(bad, sizeof bad, line, "\n", ""), "no newline");
	BAD(PUB, edit(bad, sizeof bad, line, "\n", "\r\n"), "name: carriage return");
	BAD(PUB, edit(bad, sizeof bad, aline, "\n", "\r\n"), "public key: carriage return is not a hex digit");
	BAD(PUB, edit(bad, sizeof bad, line, "\n", "\n\n"), "line 2: text after");
	BAD(PUB, edit(bad, sizeof bad, line, "\n", "\nedgeplug-ed25519-public"), "line 2");
	BAD(PUB, edit(bad, sizeof bad, line, " alice", "  alice"), "empty name");
	BAD(PUB, edit(bad, sizeof bad, line, " alice@example.org", " "), "empty name");
	BAD(PUB, edit(bad, sizeof bad, line, "alice", "al ice"), "name: space is not allowed");
	BAD(PUB, edit(bad, sizeof bad, line, "alice", "al$ice"), "name: '$' is not allowed");
	BAD(PUB, edit(bad, sizeof bad, line, "alice", "al\x1b[2Jice"), "name: byte 1b");
	BAD(PUB, edit(bad, sizeof bad, line, "alice@example.org",
	              "a234567890123456789012345678901234567890123456789012345678901234"), "name of 64 bytes");
	BAD(PUB, edit(bad, sizeof bad, line, "public ", "public  "), "key id: 0 hex digits, expected 16");
	BAD(PUB, edit(bad, sizeof bad, line, "public ", "public\t"), "not an edgeplug public key");
	{
		char t[256], up[3];
		/* Uppercase in the key id and in the key. */
		strcpy(t, line);
		for (size_t i = 24; i < 24 + 16; i++)
			if (t[i] >= 'a' && t[i] <= 'f') {
				t[i] = (char)(t[i] - 'a' + 'A');
				break;
			}
		BAD(PUB, t, "key id: uppercase hex digit");
		strcpy(t, line);
		for (size_t i = 24 + 17; i < 24 + 17 + 64; i++)
			if (t[i] >= 'a' && t[i] <= 'f') {
				snprintf(up, sizeof up, "%c", t[i] - 'a' + 'A');
				t[i] = up[0];
				break;
			}
		BAD(PUB, t, "public key: uppercase hex digit");
		strcpy(t, line);
		t[24 + 17 + 10] = 'g';
		BAD(PUB, t, "public key: 'g' is not a hex digit");
		/* A NUL byte inside the key: the length, not the NUL, ends it. */
		strcpy(t, line);
		t[24 + 20] = '\0';
		expect_error(__LINE__, PUB, t, n, "byte 00 is not a hex digit");
	}
	BAD(PUB, edit(bad, sizeof bad, line, " alice", "0 alice"), "public key: 65 hex digits, expected 64");
	{
		char t[256];
		strcpy(t, line);
		memmove(t + 24 + 17, t + 24 + 19, strlen(t + 24 + 19) + 1);
		BAD(PUB, t, "public key: 62 hex digits, expected 64");
		strcpy(t, line);
		memmove(t + 24 + 1, t + 24 + 2, strlen(t + 24 + 2) + 1);
		BAD(PUB, t, "key id: 15 hex digits, expected 16");
	}
	BAD(PUB, edit(bad, sizeof bad, line, "edgeplug", "Edgeplug"), "not an edgeplug public key");
	BAD(PUB, edit(bad, sizeof bad, line, "edgeplug", " edgeplug"), "column 1: not an edgeplug");

	/* The signature parser. */
	BAD(SIG, "", "empty file, expected an edgeplug signature");
	BAD(SIG, line, "not an edgeplug signature");
	BAD(SIG, edit(bad, sizeof bad, sline, "\n", " x\n"), "space after the last field");
	BAD(SIG, edit(bad, sizeof bad, sline, "\n", ""), "no newline");
	BAD(SIG, edit(bad, sizeof bad, sline, "\n", "\n#"), "line 2");
	BAD(SIG, edit(bad, sizeof bad, sline, "\n", "00\n"), "signature: 130 hex digits, expected 128");
	{
		char t[256];
		memcpy(t, sline, 60);
		expect_error(__LINE__, SIG, t, 60, "signature: 16 hex digits, expected 128");
		strcpy(t, sline);
		t[27 + 17 + 100] = 'E';
		BAD(SIG, t, "signature: uppercase hex digit 'E'");
		strcpy(t, sline);
		t[27 + 5] = 'x';
		BAD(SIG, t, "column 33: key id: 'x' is not a hex digit");
	}

	/* The secret key parser (RFC 8032 test 1: seed, then public key). */
	ep_seckey sk, skback;
	unhex(rfc[0].seed, sk.key, 32);
	unhex(rfc[0].pub, sk.key + 32, 32);
	memcpy(sk.id, k.id, EP_KEYID_BYTES);
	char kline[256];
	size_t kn = ep_seckey_format(&sk, kline, sizeof kline);
	CHECK(kn == 24 + 16 + 1 + 128 + 1, "secret key formats: %s", kline);
	CHECK(ep_seckey_parse(kline, kn, &skback, why, sizeof why) == 0 && memcmp(&skback, &sk, sizeof sk) == 0,
	      "secret key round trip: %s", why);
	BAD(SEC, "", "empty file, expected an edgeplug secret key");
	BAD(SEC, line, "not an edgeplug secret key");
	BAD(SEC, edit(bad, sizeof bad, kline, "\n", " name\n"), "space after the last field");
	BAD(SEC, edit(bad, sizeof bad, kline, "\n", ""), "no newline");
	{
		char t[256];
		strcpy(t, kline);
		t[24 + 17 + 70] = t[24 + 17 + 70] == '0' ? '1' : '0';   /* in the public half */
		BAD(SEC, t, "does not match the key");
#ifdef EP_SIGNING
		strcpy(t, kline);
		t[24 + 17 + 3] = t[24 + 17 + 3] == '0' ? '1' : '0';     /* in the seed */
		BAD(SEC, t, "seed does not make its public half");
#endif
	}
}

/* ---- files ---- */

static char dir[64];

static void put(const char *name, const char *text, mode_t mode)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	unlink(p);
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) != 0 ||
	    chmod(p, mode) != 0)
		FATAL(p, strerror(errno));
}

static const char *path(const char *name)
{
	static char p[4][256];
	static int i;
	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

static void expect_trust_error(int line, ep_trust *t, const char *p, const char *want)
{
	char why[512] = "";
	size_t before = t->nkeys;
	int rc = ep_trust_add(t, p, why, sizeof why);
	check(rc == -1 && strstr(why, want) != NULL, line, "trust %s: rc %d, why \"%s\", want \"%s\"", p, rc, why,
	      want);
	check(t->nkeys == before, line, "nothing added on failure (%zu keys, was %zu)", t->nkeys, before);
}

#define TRUST_BAD(t, p, want) expect_trust_error(__LINE__, t, p, want)

static void test_trust(void)
{
	char l0[256], l1[256], l2[256], why[512];
	ep_pubkey k0 = make_pub(rfc[0].pub, "zero"), k1 = make_pub(rfc[1].pub, "one"), k2 = make_pub(rfc[2].pub, "");
	ep_trust t = { 0 };

	ep_pubkey_format(&k0, l0, sizeof l0);
	ep_pubkey_format(&k1, l1, sizeof l1);
	ep_pubkey_format(&k2, l2, sizeof l2);
	umask(022);
	snprintf(dir, sizeof dir, "/tmp/ep-test-sign.XXXXXX");
	if (!mkdtemp(dir))
		FATAL("mkdtemp", strerror(errno));
	chmod(dir, 0755);
	if (mkdir(path("keys"), 0755) != 0 || mkdir(path("empty"), 0755) != 0)
		FATAL("mkdir", strerror(errno));
	put("keys/zero.pub", l0, 0644);
	put("keys/one.pub", l1, 0644);
	put("keys/README", "not a key\n", 0666);       /* ignored: not *.pub */
	put("empty/notes.txt", l0, 0644);
	put("two.pub", l2, 0644);

	CHECK(ep_trust_add(&t, path("keys"), why, sizeof why) == 0 && t.nkeys == 2, "a directory of two keys: %s",
	      why);
	CHECK(t.nkeys == 2 && strcmp(t.keys[0].name, "one") == 0 && strcmp(t.keys[1].name, "zero") == 0,
	      "keys in name order");
	CHECK(ep_trust_find(&t, k0.id) && ep_trust_find(&t, k1.id) && !ep_trust_find(&t, k2.id), "find by id");
	CHECK(ep_trust_add(&t, path("two.pub"), why, sizeof why) == 0 && t.nkeys == 3, "one .pub file: %s", why);
	CHECK(ep_trust_find(&t, k2.id) != NULL, "the file's key is found");
	TRUST_BAD(&t, path("two.pub"), "is already trusted");
	TRUST_BAD(&t, path("empty"), "no *.pub key files");
	TRUST_BAD(&t, path("missing"), "cannot open: No such file");
	TRUST_BAD(&t, path("missing.pub"), "missing.pub: cannot open");
	ep_trust_free(&t);
	CHECK(t.nkeys == 0 && t.keys == NULL, "free empties the store");

	/* Duplicate ids in one directory, named by both files. */
	put("keys/zero-again.pub", l0, 0644);
	TRUST_BAD(&t, path("keys"), "keys/zero.pub: refused: key id");
	TRUST_BAD(&t, path("keys"), "is also in");
	unlink(path("keys/zero-again.pub"));

	/* Modes: a world- or group-writable directory or key file. */
	chmod(path("keys"), 0777);
	TRUST_BAD(&t, path("keys"), "keys: refused: writable by anyone");
	chmod(path("keys"), 0775);
	TRUST_BAD(&t, path("keys"), "keys: refused: writable by its group");
	chmod(path("keys"), 01777);
	TRUST_BAD(&t, path("keys"), "writable by anyone");
	chmod(path("keys"), 0755);
	chmod(path("keys/one.pub"), 0666);
	TRUST_BAD(&t, path("keys"), "keys/one.pub: refused: writable by anyone (chmod go-w");
	TRUST_BAD(&t, path("keys/one.pub"), "writable by anyone");
	chmod(path("keys/one.pub"), 0664);
	TRUST_BAD(&t, path("keys/one.pub"), "writable by its group");
	chmod(path("keys/one.pub"), 0444);
	CHECK(ep_trust_add(&t, path("keys"), why, sizeof why) == 0 && t.nkeys == 2, "read-only keys: %s", why);
	ep_trust_free(&t);
	chmod(path("keys/one.pub"), 0644);

	/* A key owned by another ordinary user (only root can make one). */
	if (geteuid() == 0) {
		if (chown(path("keys/one.pub"), 12345, 12345) != 0)
			FATAL("chown", strerror(errno));
		TRUST_BAD(&t, path("keys"), "one.pub: refused: owned by uid 12345");
		if (chown(path("keys/one.pub"), 0, 0) != 0)
			FATAL("chown", strerror(errno));
	}

	/* What is not a regular file, and links inside the directory. */
	if (symlink("zero.pub", path("keys/link.pub")) != 0)
		FATAL("symlink", strerror(errno));
	TRUST_BAD(&t, path("keys"), "keys/link.pub: refused: a symbolic link");
	unlink(path("keys/link.pub"));
	if (mkfifo(path("keys/fifo.pub"), 0644) != 0)
		FATAL("mkfifo", strerror(errno));
	TRUST_BAD(&t, path("keys"), "keys/fifo.pub: refused: not a regular file");
	TRUST_BAD(&t, path("keys/fifo.pub"), "not a regular file or a directory");
	unlink(path("keys/fifo.pub"));
	if (mkdir(path("keys/sub.pub"), 0755) != 0)
		FATAL("mkdir", strerror(errno));
	TRUST_BAD(&t, path("keys"), "keys/sub.pub: refused: not a regular file");
	rmdir(path("keys/sub.pub"));

	/* A bad key among good ones: the file is named, nothing is added. */
	put("keys/bad.pub", "edgeplug-ed25519-public 0011\n", 0644);
	TRUST_BAD(&t, path("keys"), "keys/bad.pub: line 1, column 25: key id: 4 hex digits, expected 16");
	put("keys/bad.pub", "", 0644);
	TRUST_BAD(&t, path("keys"), "keys/bad.pub: line 1, column 1: empty file");
	unlink(path("keys/bad.pub"));
	{
		static char big[5000];
		memset(big, 'a', sizeof big - 1);
		put("big.pub", big, 0644);
		TRUST_BAD(&t, path("big.pub"), "too big for a key file");
		unlink(path("big.pub"));
	}
	CHECK(ep_trust_add(&t, path("keys"), why, sizeof why) == 0 && t.nkeys == 2, "the store again: %s", why);
	ep_trust_free(&t);

	/* Secret key files. */
	ep_seckey sk, got;
	char kline[256];
	unhex(rfc[0].seed, sk.key, 32);
	unhex(rfc[0].pub, sk.key + 32, 32);
	memcpy(sk.id, k0.id, EP_KEYID_BYTES);
	ep_seckey_format(&sk, kline, sizeof kline);
	put("zero.key", kline, 0600);
	CHECK(ep_seckey_load(path("zero.key"), &got, why, sizeof why) == 0 && memcmp(&got, &sk, sizeof sk) == 0,
	      "a 0600 secret key loads: %s", why);
	chmod(path("zero.key"), 0400);
	CHECK(ep_seckey_load(path("zero.key"), &got, why, sizeof why) == 0, "a 0400 secret key loads: %s", why);
	static const mode_t open_modes[] = { 0640, 0604, 0620, 0602, 0610, 0644, 0666 };
	for (size_t i = 0; i < sizeof open_modes / sizeof open_modes[0]; i++) {
		char want[64];
		chmod(path("zero.key"), open_modes[i]);
		snprintf(want, sizeof want, "refused: mode %04o lets others", (unsigned)open_modes[i]);
		int rc = ep_seckey_load(path("zero.key"), &got, why, sizeof why);
		CHECK(rc == EP_KEY_REFUSED && strstr(why, want), "secret key mode %04o: rc %d, %s",
		      (unsigned)open_modes[i], rc, why);
	}
	chmod(path("zero.key"), 0600);
	if (symlink("zero.key", path("link.key")) != 0)
		FATAL("symlink", strerror(errno));
	CHECK(ep_seckey_load(path("link.key"), &got, why, sizeof why) == EP_KEY_REFUSED &&
	      strstr(why, "may not be a symbolic link"), "a linked secret key: %s", why);
	unlink(path("link.key"));
	CHECK(ep_seckey_load(path("nokey.key"), &got, why, sizeof why) == EP_KEY_UNREADABLE &&
	      strstr(why, "nokey.key: cannot open"), "a missing secret key: %s", why);
	CHECK(ep_seckey_load(path("keys"), &got, why, sizeof why) == EP_KEY_REFUSED &&
	      strstr(why, "not a regular file"), "a directory as secret key: %s", why);
	put("pub.key", l0, 0600);
	CHECK(ep_seckey_load(path("pub.key"), &got, why, sizeof why) == EP_KEY_INVALID &&
	      strstr(why, "pub.key: line 1, column 1: not an edgeplug secret key"), "a public key as secret: %s",
	      why);
	unlink(path("pub.key"));
	if (geteuid() == 0) {
		if (chown(path("zero.key"), 12345, 12345) != 0)
			FATAL("chown", strerror(errno));
		CHECK(ep_seckey_load(path("zero.key"), &got, why, sizeof why) == EP_KEY_REFUSED &&
		      strstr(why, "owned by uid 12345"), "another user's secret key: %s", why);
	}
	unlink(path("zero.key"));

	unlink(path("keys/zero.pub"));
	unlink(path("keys/one.pub"));
	unlink(path("keys/README"));
	unlink(path("empty/notes.txt"));
	unlink(path("two.pub"));
	rmdir(path("keys"));
	rmdir(path("empty"));
	if (rmdir(dir) != 0)
		CHECK(0, "%s left behind: %s", dir, strerror(errno));
}

#ifdef EP_SIGNING
static void test_signing(void)
{
	ep_pubkey pub, pub2;
	ep_seckey sec, sec2;
	ep_signature s;
	char text[256], why[256];

	CHECK(ep_keygen("host-key", &pub, &sec) == 0, "keygen");
	CHECK(ep_keygen("host-key", &pub2, &sec2) == 0 && memcmp(pub.key, pub2.key, sizeof pub.key) != 0,
	      "two keys differ");
	CHECK(ep_keygen("bad name", &pub2, &sec2) == -1 && errno == EINVAL, "keygen refuses a bad name");
	CHECK(memcmp(pub.id, sec.id, EP_KEYID_BYTES) == 0 && memcmp(pub.key, sec.key + 32, 32) == 0,
	      "the pair shares its id and public half");
	ep_sign(&sec, "manifest", 8, &s);
	CHECK(ep_verify(&pub, "manifest", 8, &s) == 1, "a new signature verifies");
	CHECK(ep_verify(&pub, "manifesT", 8, &s) == 0, "not over another message");
	CHECK(ep_verify(&pub2, "manifest", 8, &s) == 0, "not by another key");
	size_t n = ep_seckey_format(&sec, text, sizeof text);
	CHECK(n > 0 && ep_seckey_parse(text, n, &sec2, why, sizeof why) == 0, "a new secret key parses: %s", why);
	ep_wipe(text, sizeof text);
	CHECK(text[0] == 0 && text[sizeof text - 1] == 0, "wipe clears");

	/* Ed25519 is deterministic: RFC 8032's seeds sign to its signatures. */
	for (size_t i = 0; i < 3; i++) {
		ep_seckey k;
		uint8_t msg[8], want[EP_SIG_BYTES], h[EP_SHA256_BYTES];
		size_t mlen = strlen(rfc[i].msg) / 2;
		unhex(rfc[i].seed, k.key, 32);
		unhex(rfc[i].pub, k.key + 32, 32);
		ep_sha256(k.key + 32, 32, h);
		memcpy(k.id, h, EP_KEYID_BYTES);
		unhex(rfc[i].msg, msg, mlen);
		unhex(rfc[i].sig, want, sizeof want);
		ep_sign(&k, msg, mlen, &s);
		CHECK(memcmp(s.sig, want, sizeof want) == 0 && memcmp(s.keyid, k.id, EP_KEYID_BYTES) == 0,
		      "RFC 8032 test %zu signs to its signature", i + 1);
	}
}
#endif

int main(int argc, char **argv)
{
	if (ep_sign_init() != 0)
		FATAL("ep_sign_init", "failed");
	test_sha256();
	test_rfc8032();
	test_formats();
	test_trust();
#ifdef EP_SIGNING
	test_signing();
#endif
	return check_summary();
}
