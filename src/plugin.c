/*
 * plugin.c - the plugin layer's trust checks (plugin.h). A signature is
 * checked before anything else of the plugin is believed: the manifest's
 * bytes are what was signed, and they pin the wasm by its sha256, so one
 * signature covers the code and the grants together.
 */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "plugin.h"

ep_plugin_sig ep_plugin_check_signature(const void *manifest, size_t len, const char *sig,
                                        size_t sig_len, const ep_trust *trust,
                                        const ep_pubkey **signer, char *why, size_t whylen)
{
	ep_signature s;
	char id[17];
	*signer = NULL;
	if (!sig) {
		ep_snprintf(why, whylen, "no signature");
		return EP_PLUGIN_UNSIGNED;
	}
	if (ep_signature_parse(sig, sig_len, &s, why, whylen) != 0)
		return EP_PLUGIN_SIG_MALFORMED;
	const ep_pubkey *k = trust ? ep_trust_find(trust, s.keyid) : NULL;
	if (!k) {
		ep_keyid_hex(s.keyid, id);
		ep_snprintf(why, whylen, "signed by unknown key %s", id);
		return EP_PLUGIN_UNKNOWN_KEY;
	}
	if (!ep_verify(k, manifest, len, &s)) {
		ep_keyid_hex(s.keyid, id);
		ep_snprintf(why, whylen, "bad signature (key %s)", id);
		return EP_PLUGIN_BAD_SIGNATURE;
	}
	*signer = k;
	return EP_PLUGIN_SIGNED;
}

int ep_plugin_check_pin(const ep_manifest *m, const void *wasm, size_t len, const char *what,
                        char hex[65], char *why, size_t whylen)
{
	uint8_t h[EP_SHA256_BYTES];
	char pin[65];
	ep_sha256(wasm, len, h);
	ep_sha256_hex(h, hex);
	if (memcmp(h, m->sha256, sizeof h) == 0)
		return 1;
	ep_sha256_hex(m->sha256, pin);
	ep_snprintf(why, whylen, "sha256 mismatch: %s is %.16s..., the manifest pins %.16s...", what,
	            hex, pin);
	return 0;
}

void ep_sha256_hex(const uint8_t sha[EP_SHA256_BYTES], char buf[65])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < EP_SHA256_BYTES; i++) {
		buf[2 * i] = hex[sha[i] >> 4];
		buf[2 * i + 1] = hex[sha[i] & 15];
	}
	buf[64] = '\0';
}
