/*
 * cli_sign.c - the 'keygen' and 'sign' commands (docs/signing.md). They
 * exist only in the host build (EP_SIGNING, build/host/edgeplug): board
 * builds carry no signing code and say so in one line. Uses sign.h and
 * trust.h for keys and the cli_* helpers for files; verifying is
 * cli_plugin.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fmt.h"
#include "sign.h"
#include "trust.h"

#define usage_keygen "usage: edgeplug keygen NAME\n"
#define usage_sign "usage: edgeplug sign --key NAME.key FILE\n"

#ifdef EP_SIGNING

/* The most sign reads: a manifest is a few hundred bytes. */
#define SIGN_INPUT_MAX (1u << 20)


/* PATH + suffix in a malloc'd string, or NULL. */
static char *with_suffix(const char *path, const char *suffix)
{
	size_t a = strlen(path), b = strlen(suffix);
	char *s = malloc(a + b + 1);

	if (s) {
		memcpy(s, path, a);
		memcpy(s + a, suffix, b + 1);
	}
	return s;
}

/* Writes NAME.key (0600) and then NAME.pub (0644), neither over an
 * existing file; when the second cannot be written the first is removed,
 * so a key pair is all there or not at all. */
static int keygen_run(int argc, char **argv)
{
	const char *path = NULL, *base;
	char pubtext[256], sectext[256];
	char *keyfile = NULL, *pubfile = NULL;
	ep_pubkey pub;
	ep_seckey sec;
	size_t pl, sl;
	int rc = RC_OK;

	for (int i = 0; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_usage(usage_keygen, "keygen: unknown option \"%s\"", argv[i]);
		if (path)
			return cli_usage(usage_keygen, "keygen: unexpected argument \"%s\"", argv[i]);
		path = argv[i];
	}
	if (!path)
		return cli_usage(usage_keygen, "keygen: missing NAME");
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (ep_sign_init() != 0)
		return cli_fail(RC_SOFTWARE, "keygen: libsodium cannot start");
	if (*base == '\0' || !ep_key_name_ok(base))
		return cli_usage(usage_keygen, "keygen: \"%s\": a key name is 1-63 letters, digits "
		                 "and . _ - @ +", base);
	if (ep_keygen(base, &pub, &sec) != 0)
		return cli_fail(RC_SOFTWARE, "keygen: no randomness from the system: %s", ep_strerror(errno));
	pl = ep_pubkey_format(&pub, pubtext, sizeof pubtext);
	sl = ep_seckey_format(&sec, sectext, sizeof sectext);
	ep_wipe(&sec, sizeof sec);
	keyfile = with_suffix(path, ".key");
	pubfile = with_suffix(path, ".pub");
	if (!pl || !sl || !keyfile || !pubfile) {
		rc = cli_fail(RC_SOFTWARE, "keygen: out of memory");
	} else if (cli_write_atomic(keyfile, sectext, sl, 0600, 1) != 0) {
		rc = cli_fail(RC_CANTCREAT, "keygen: %s: cannot create: %s", keyfile, ep_strerror(errno));
	} else if (cli_write_atomic(pubfile, pubtext, pl, 0644, 1) != 0) {
		int e = errno;

		unlink(keyfile);
		rc = cli_fail(RC_CANTCREAT, "keygen: %s: cannot create: %s", pubfile, ep_strerror(e));
	} else {
		char id[17];

		ep_keyid_hex(pub.id, id);
		ep_printf("%s, %s: key %s\n", keyfile, pubfile, id);
	}
	ep_wipe(sectext, sizeof sectext);
	free(keyfile);
	free(pubfile);
	return rc;
}

static int sign_run(int argc, char **argv)
{
	const char *keypath = NULL, *file = NULL, *v;
	char why[512], sigtext[256], id[17];
	char *sigfile = NULL;
	uint8_t *data = NULL;
	size_t len = 0, n;
	ep_seckey sec;
	ep_pubkey pub;
	ep_signature sig;
	int rc;

	for (int i = 0; i < argc; i++) {
		int m = cli_opt_value("--key", argc, argv, &i, &v);

		if (m < 0)
			return cli_usage(usage_sign, "sign: --key needs a NAME.key");
		if (m > 0)
			keypath = v;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_usage(usage_sign, "sign: unknown option \"%s\"", argv[i]);
		else if (file)
			return cli_usage(usage_sign, "sign: unexpected argument \"%s\"", argv[i]);
		else
			file = argv[i];
	}
	if (!keypath)
		return cli_usage(usage_sign, "sign: missing --key NAME.key");
	if (!file)
		return cli_usage(usage_sign, "sign: missing FILE");
	if (ep_sign_init() != 0)
		return cli_fail(RC_SOFTWARE, "sign: libsodium cannot start");
	/* A signature vouches for the grants and the code together: a
	 * manifest that does not parse, or whose wasm does not match its pin,
	 * is refused before anything is signed. */
	cli_plugin p;
	memset(&p, 0, sizeof p);
	rc = cli_plugin_read(&p, file);
	if (rc == RC_OK)
		rc = cli_plugin_parse(&p);
	if (rc == RC_OK)
		rc = cli_plugin_check_pin(&p, CLI_MAX_MODULE_BYTES);
	if (rc != RC_OK) {
		if (p.why_line)
			cli_fail(rc, "sign: %s:%u: %s", file, (unsigned)p.why_line, p.why);
		else
			cli_fail(rc, "sign: %s: %s", file, p.why);
		cli_plugin_free(&p);
		return rc;
	}
	cli_plugin_free(&p);
	rc = ep_seckey_load(keypath, &sec, why, sizeof why);
	if (rc != 0)
		return cli_fail(rc == EP_KEY_REFUSED ? RC_NOPERM : rc == EP_KEY_INVALID ? RC_DATAERR
		                : RC_NOINPUT, "sign: %s", why);
	rc = cli_read_file(file, SIGN_INPUT_MAX, &data, &len);
	if (rc != RC_OK) {
		ep_wipe(&sec, sizeof sec);
		return rc;
	}
	ep_sign(&sec, data, len, &sig);
	/* The signature must verify with the public half the key file names:
	 * catches a damaged key before its signature is shipped. */
	memcpy(pub.id, sec.id, EP_KEYID_BYTES);
	memcpy(pub.key, sec.key + 32, EP_PUBKEY_BYTES);
	ep_wipe(&sec, sizeof sec);
	if (!ep_verify(&pub, data, len, &sig)) {
		free(data);
		return cli_fail(RC_SOFTWARE, "sign: %s: the new signature does not verify", keypath);
	}
	free(data);
	n = ep_signature_format(&sig, sigtext, sizeof sigtext);
	sigfile = with_suffix(file, ".sig");
	if (!n || !sigfile)
		rc = cli_fail(RC_SOFTWARE, "sign: out of memory");
	else if (cli_write_atomic(sigfile, sigtext, n, 0644, 0) != 0)
		rc = cli_fail(RC_CANTCREAT, "sign: %s: cannot create: %s", sigfile, ep_strerror(errno));
	else {
		ep_keyid_hex(sig.keyid, id);
		ep_printf("%s: signed by key %s\n", sigfile, id);
	}
	free(sigfile);
	return rc;
}

const cli_command cli_cmd_keygen = {
	"keygen", keygen_run, "make a signing key pair NAME.key and NAME.pub",
	"usage: edgeplug keygen NAME\n"
	"Writes a new Ed25519 key pair: NAME.key (secret, mode 0600) and NAME.pub\n"
	"(public, for trust stores). Never overwrites either. docs/signing.md.\n"
	"exit: 0 made, 64 usage, 70 no randomness, 73 a file exists or cannot be made\n"
};

const cli_command cli_cmd_sign = {
	"sign", sign_run, "sign a plugin manifest: FILE.sig",
	"usage: edgeplug sign --key NAME.key FILE\n"
	"Writes FILE.sig, an Ed25519 signature over FILE's exact bytes, replacing\n"
	"it atomically, once FILE parses as a manifest and its wasm matches its\n"
	"sha256. NAME.key must be readable by its owner only. docs/signing.md.\n"
	"exit: 0 signed, 64 usage, 65 not a key, 66 unreadable, 73 cannot write,\n"
	"  77 key refused (mode, owner or a symbolic link)\n"
};

#else /* a board build: verifies only */

#define VERIFY_ONLY "this build verifies only; sign with build/host/edgeplug (make host)"

static int verify_only(int argc, char **argv)
{
	return cli_fail(RC_UNAVAILABLE, VERIFY_ONLY);
}

const cli_command cli_cmd_keygen = {
	"keygen", verify_only, "host build only", usage_keygen VERIFY_ONLY "\n"
};
const cli_command cli_cmd_sign = {
	"sign", verify_only, "host build only", usage_sign VERIFY_ONLY "\n"
};

#endif
