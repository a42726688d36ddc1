/* coremix.c - a CoreMark-like mix, written for this project (no CoreMark
 * code): each repetition runs three kernels over small data sets and
 * chains their results through a bitwise CRC-16:
 *   list   - a linked list of records in a pool: searches, reversal, and
 *            an in-place merge sort by two different keys;
 *   matrix - 16-bit matrices: add/scale by a constant, matrix-vector and
 *            matrix-matrix products into 32-bit results, a bit-field variant;
 *   state  - a character-class state machine that scans a text of
 *            comma-separated numbers (decimal, fraction, exponent, hex) and
 *            counts how each token ends, over a text that is damaged and
 *            restored each time.
 * Mostly small loops, pointer chasing, 16-bit arithmetic and switches. */
#include "bench.h"

/* ---- CRC-16, the reflected 0xA001 polynomial, one bit at a time ---- */

static u16 crc16_byte(u16 crc, u8 b)
{
	crc ^= b;
	for (u32 i = 0; i < 8; i++)
		crc = (crc & 1) ? (u16)((crc >> 1) ^ 0xa001u) : (u16)(crc >> 1);
	return crc;
}

static u16 crc16_u16(u16 crc, u16 v)
{
	return crc16_byte(crc16_byte(crc, (u8)v), (u8)(v >> 8));
}

static u16 crc16_u32(u16 crc, u32 v)
{
	return crc16_u16(crc16_u16(crc, (u16)v), (u16)(v >> 16));
}

/* ---- list ---- */

#define LIST_LEN 96u

struct rec {
	struct rec *next;
	i16 key;       /* unique, 0..LIST_LEN-1 before scrambling */
	i16 data;
};

static struct rec *list_build(struct rec *pool, u32 seed)
{
	struct rec *head = 0;
	for (u32 i = 0; i < LIST_LEN; i++) {
		struct rec *r = &pool[i];
		r->key = (i16)((i * 37u) % LIST_LEN);
		r->data = (i16)(rng_next(&seed) & 0x7fff);
		r->next = head;
		head = r;
	}
	return head;
}

static struct rec *list_find(struct rec *l, i16 key)
{
	while (l && l->key != key)
		l = l->next;
	return l;
}

static struct rec *list_reverse(struct rec *l)
{
	struct rec *out = 0;
	while (l) {
		struct rec *n = l->next;
		l->next = out;
		out = l;
		l = n;
	}
	return out;
}

static int by_key(const struct rec *a, const struct rec *b)
{
	return a->key - b->key;
}

/* Orders by the data's low byte, then by key, so the order is total. */
static int by_data(const struct rec *a, const struct rec *b)
{
	int d = (a->data & 0xff) - (b->data & 0xff);
	return d ? d : a->key - b->key;
}

/* Bottom-up merge sort of a linked list: runs of width 1, 2, 4, ... */
static struct rec *list_sort(struct rec *l, int (*cmp)(const struct rec *, const struct rec *))
{
	for (u32 width = 1;; width *= 2) {
		struct rec *p = l, *tail = 0;
		u32 merges = 0;
		l = 0;
		while (p) {
			merges++;
			struct rec *q = p;
			u32 psize = 0;
			while (psize < width && q) {
				psize++;
				q = q->next;
			}
			u32 qsize = width;
			while (psize > 0 || (qsize > 0 && q)) {
				struct rec *e;
				if (psize == 0) {
					e = q; q = q->next; qsize--;
				} else if (qsize == 0 || !q || cmp(p, q) <= 0) {
					e = p; p = p->next; psize--;
				} else {
					e = q; q = q->next; qsize--;
				}
				if (tail)
					tail->next = e;
				else
					l = e;
				tail = e;
			}
			p = q;
		}
		tail->next = 0;
		if (merges <= 1)
			return l;
	}
}

static u16 list_kernel(struct rec *pool, u32 r, u16 crc)
{
	struct rec *l = list_build(pool, 0x1b873593u + r);
	u32 found = 0, missed = 0;
	for (u32 i = 0; i < 24; i++) {
		i16 key = (i16)((i * 7u + r) % (LIST_LEN + 8));  /* some are absent */
		struct rec *f = list_find(l, key);
		if (f) {
			found += (u32)f->data;
			f->data ^= (i16)(r & 0x3f);
		} else {
			missed++;
		}
		if ((i & 7) == 7)
			l = list_reverse(l);
	}
	l = list_sort(l, by_data);
	u32 pos = 0;
	for (struct rec *p = l; p; p = p->next, pos++)
		if ((pos & 7) == 0)
			crc = crc16_u16(crc, (u16)p->data);
	l = list_sort(l, by_key);
	i32 prev = -1;
	u32 order_ok = 1;
	for (struct rec *p = l; p; p = p->next) {
		order_ok &= p->key > prev;
		prev = p->key;
	}
	crc = crc16_u32(crc, found);
	return crc16_u16(crc, (u16)(missed << 1 | order_ok));
}

/* ---- matrix ---- */

#define MN 16u

static u16 matrix_kernel(i16 *a, i16 *b, i32 *c, i32 *v, u32 r, u16 crc)
{
	u32 seed = 0x85ebca6bu ^ r;
	for (u32 i = 0; i < MN * MN; i++) {
		a[i] = (i16)(rng_next(&seed) & 0x3ff) - 0x200;
		b[i] = (i16)(rng_next(&seed) & 0x3ff) - 0x200;
	}
	i16 k = (i16)(3 + (r & 7));
	for (u32 i = 0; i < MN * MN; i++)
		a[i] = (i16)(a[i] + k);
	/* matrix * constant */
	i32 sum = 0;
	for (u32 i = 0; i < MN * MN; i++) {
		c[i] = (i32)a[i] * k;
		sum += c[i] > 1000 ? 1 : c[i] < -1000 ? -1 : 0;
	}
	crc = crc16_u32(crc, (u32)sum);
	/* matrix * vector (the first row of B as the vector) */
	for (u32 i = 0; i < MN; i++) {
		i32 acc = 0;
		for (u32 j = 0; j < MN; j++)
			acc += (i32)a[i * MN + j] * b[j];
		v[i] = acc;
	}
	for (u32 i = 0; i < MN; i++)
		crc = crc16_u32(crc, (u32)v[i]);
	/* matrix * matrix, then the same with bit fields of B */
	sum = 0;
	for (u32 i = 0; i < MN; i++)
		for (u32 j = 0; j < MN; j++) {
			i32 acc = 0;
			for (u32 x = 0; x < MN; x++)
				acc += (i32)a[i * MN + x] * b[x * MN + j];
			c[i * MN + j] = acc;
			sum += acc >> 4;
		}
	crc = crc16_u32(crc, (u32)sum);
	sum = 0;
	for (u32 i = 0; i < MN; i++)
		for (u32 j = 0; j < MN; j++) {
			i32 acc = 0;
			for (u32 x = 0; x < MN; x++) {
				i32 f = (b[x * MN + j] >> 2) & 0x1f;
				acc += (i32)a[i * MN + x] * f;
			}
			sum ^= acc + c[i * MN + j];
		}
	return crc16_u32(crc, (u32)sum);
}

/* ---- state machine ---- */

#define TEXT_LEN 1536u

enum { S_START, S_SIGN, S_INT, S_DOT, S_FRAC, S_EXP, S_EXP_SIGN, S_EXP_INT,
       S_ZERO, S_HEX, S_BAD, S_COUNT };

static u32 scan_token(const u8 *s, u32 *pos, u32 len, u32 *transitions)
{
	u32 st = S_START;
	u32 i = *pos;
	for (; i < len && s[i] != ','; i++) {
		u8 ch = s[i];
		u32 digit = ch >= '0' && ch <= '9';
		u32 next = st;
		switch (st) {
		case S_START:
			next = ch == '0' ? S_ZERO : digit ? S_INT
			     : (ch == '-' || ch == '+') ? S_SIGN : ch == '.' ? S_DOT : S_BAD;
			break;
		case S_SIGN:
			next = digit ? S_INT : ch == '.' ? S_DOT : S_BAD;
			break;
		case S_ZERO:
			next = (ch == 'x' || ch == 'X') ? S_HEX : digit ? S_INT
			     : ch == '.' ? S_DOT : S_BAD;
			break;
		case S_INT:
			next = digit ? S_INT : ch == '.' ? S_DOT
			     : (ch == 'e' || ch == 'E') ? S_EXP : S_BAD;
			break;
		case S_DOT:
		case S_FRAC:
			next = digit ? S_FRAC : (ch == 'e' || ch == 'E') && st == S_FRAC ? S_EXP : S_BAD;
			break;
		case S_EXP:
			next = digit ? S_EXP_INT : (ch == '-' || ch == '+') ? S_EXP_SIGN : S_BAD;
			break;
		case S_EXP_SIGN:
		case S_EXP_INT:
			next = digit ? S_EXP_INT : S_BAD;
			break;
		case S_HEX:
			next = digit || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') ? S_HEX : S_BAD;
			break;
		default:
			break;
		}
		*transitions += next != st;
		st = next;
	}
	*pos = i < len ? i + 1 : i;
	return st;
}

static void make_text(u8 *t)
{
	static const char *const samples[8] = {
		"5012", "-0.25", "1.5e-3", "0x1F3a", "+77", "3.14159", "12e4", "-x9",
	};
	u32 seed = 0xc2b2ae35u, i = 0;
	while (i < TEXT_LEN) {
		const char *s = samples[rng_next(&seed) & 7];
		for (u32 j = 0; s[j] && i < TEXT_LEN; j++)
			t[i++] = (u8)s[j];
		if (i < TEXT_LEN)
			t[i++] = ',';
	}
}

static u16 state_kernel(u8 *t, u32 r, u16 crc)
{
	u32 counts[S_COUNT];
	for (u32 pass = 0; pass < 2; pass++) {
		/* Pass 0 scans the text as it is; pass 1 with every 23rd byte from
		 * an offset damaged, then the damage is undone. */
		u32 step = 23, from = r % step;
		if (pass == 1)
			for (u32 i = from; i < TEXT_LEN; i += step)
				t[i] ^= 0x08;
		for (u32 s = 0; s < S_COUNT; s++)
			counts[s] = 0;
		u32 pos = 0, transitions = 0;
		while (pos < TEXT_LEN)
			counts[scan_token(t, &pos, TEXT_LEN, &transitions)]++;
		if (pass == 1)
			for (u32 i = from; i < TEXT_LEN; i += step)
				t[i] ^= 0x08;
		for (u32 s = 0; s < S_COUNT; s++)
			crc = crc16_u16(crc, (u16)counts[s]);
		crc = crc16_u32(crc, transitions);
	}
	return crc;
}

static u32 bench_run(u32 reps)
{
	struct rec *pool = bench_alloc(LIST_LEN * sizeof *pool);
	i16 *a = bench_alloc(MN * MN * sizeof *a);
	i16 *b = bench_alloc(MN * MN * sizeof *b);
	i32 *c = bench_alloc(MN * MN * sizeof *c);
	i32 *v = bench_alloc(MN * sizeof *v);
	u8 *text = bench_alloc(TEXT_LEN);
	make_text(text);
	u32 h = 0;
	for (u32 r = 0; r < reps; r++) {
		u16 crc = (u16)r;
		crc = list_kernel(pool, r, crc);
		crc = matrix_kernel(a, b, c, v, r, crc);
		crc = state_kernel(text, r, crc);
		h = mix32(h, crc);
	}
	return h;
}
