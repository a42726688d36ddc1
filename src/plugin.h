/*
 * plugin.h - the plugin layer's checks: is a manifest signed by a trusted
 * key, and does the wasm it pins hash to its sha256. Works on bytes the
 * caller read (from files, or from flash in firmware); owns the order and
 * the meaning of the checks, not the formats (sign.h, manifest.h) or where
 * the bytes came from.
 */
#ifndef EP_PLUGIN_H
#define EP_PLUGIN_H

#include <stddef.h>

#include "manifest.h"
#include "sign.h"
#include "trust.h"

typedef enum ep_plugin_sig {
	EP_PLUGIN_SIGNED = 0,       /* signed by a key of the trust store */
	EP_PLUGIN_UNSIGNED,         /* there is no signature */
	EP_PLUGIN_SIG_MALFORMED,    /* the signature text does not parse */
	EP_PLUGIN_UNKNOWN_KEY,      /* signed by a key the trust store lacks */
	EP_PLUGIN_BAD_SIGNATURE     /* the signature does not match the bytes */
} ep_plugin_sig;

/* Checks sig (NULL: no signature file) over the manifest's exact bytes
 * against the trust store. *signer is the key for EP_PLUGIN_SIGNED; why
 * gets one line for a failure. */
ep_plugin_sig ep_plugin_check_signature(const void *manifest, size_t len, const char *sig,
                                        size_t sig_len, const ep_trust *trust,
                                        const ep_pubkey **signer, char *why, size_t whylen);
/* 1 when wasm[0..len) hashes to the manifest's sha256; 0 with one line in
 * why naming the wasm as what ("sha256 mismatch: WHAT is 0123...,
 * the manifest pins 4567..."). hex gets the wasm's SHA-256 either way. */
int ep_plugin_check_pin(const ep_manifest *m, const void *wasm, size_t len, const char *what,
                        char hex[65], char *why, size_t whylen);
/* Lowercase hex of a SHA-256 into buf[65]. */
void ep_sha256_hex(const uint8_t sha[EP_SHA256_BYTES], char buf[65]);

#endif
