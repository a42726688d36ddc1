/* vm.c - a bytecode interpreter loop: a small register machine with a
 * switch dispatch runs a fixed program (Collatz step counts of 1..K, stored
 * in its own memory, then a checksum pass over that memory). This is the
 * branchy, indirect-jump-heavy code of interpreters, parsers and state
 * machines. Each repetition runs the program for a different K. */
#include "bench.h"

enum {
	OP_HALT, OP_LOADI, OP_MOV, OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_XOR,
	OP_SHRI, OP_SHLI, OP_ADDI, OP_LT, OP_EQ, OP_LD, OP_ST, OP_JMP, OP_JNZ, OP_JZ
};

/* One instruction is four bytes: op, a, b, c. LOADI and the jumps take a
 * 16-bit immediate in b (low) and c (high): a value, or an instruction
 * index. ADDI, SHRI and SHLI take an 8-bit one in c (signed for ADDI). */

#define MEM_WORDS 1024u

static u8 code[256 * 4];
static u32 code_len;

static void emit(u8 op, u8 a, u8 b, u8 c)
{
	code[code_len++] = op;
	code[code_len++] = a;
	code[code_len++] = b;
	code[code_len++] = c;
}

static void emit_imm(u8 op, u8 a, u32 v)
{
	emit(op, a, (u8)(v & 0xff), (u8)(v >> 8));
}

static u32 here(void)
{
	return code_len / 4;
}

static void patch(u32 at, u32 target)
{
	code[at * 4 + 2] = (u8)(target & 0xff);
	code[at * 4 + 3] = (u8)(target >> 8);
}

/* The program, assembled with forward-jump patching; r0 = K on entry and
 * the result is left in r3. Registers:
 * r0 K, r1 i, r2 scratch, r3 total, r4 n, r6 test, r7 = 3, r8 = 2,
 * r9 steps, r10 = 1, r11 = MEM_WORDS - 1, r12 address, r13 hash. */
static void build_program(void)
{
	code_len = 0;
	emit_imm(OP_LOADI, 1, 1);
	emit_imm(OP_LOADI, 3, 0);
	emit_imm(OP_LOADI, 7, 3);
	emit_imm(OP_LOADI, 8, 2);
	emit_imm(OP_LOADI, 10, 1);
	emit_imm(OP_LOADI, 11, MEM_WORDS - 1);
	u32 outer = here();
	emit(OP_MOV, 4, 1, 0);
	emit_imm(OP_LOADI, 9, 0);
	u32 inner = here();
	emit(OP_LT, 6, 4, 8);
	u32 j_done = here();
	emit_imm(OP_JNZ, 6, 0);
	emit(OP_AND, 6, 4, 10);
	u32 j_odd = here();
	emit_imm(OP_JNZ, 6, 0);
	emit(OP_SHRI, 4, 4, 1);
	u32 j_cont = here();
	emit_imm(OP_JMP, 0, 0);
	patch(j_odd, here());
	emit(OP_MUL, 4, 4, 7);
	emit(OP_ADDI, 4, 4, 1);
	patch(j_cont, here());
	emit(OP_ADDI, 9, 9, 1);
	emit_imm(OP_JMP, 0, inner);
	patch(j_done, here());
	/* mem[i & 1023] += steps; total += steps */
	emit(OP_AND, 12, 1, 11);
	emit(OP_LD, 2, 12, 0);
	emit(OP_ADD, 2, 2, 9);
	emit(OP_ST, 2, 12, 0);
	emit(OP_ADD, 3, 3, 9);
	emit(OP_ADDI, 1, 1, 1);
	emit(OP_LT, 6, 1, 0);
	emit_imm(OP_JNZ, 6, outer);
	emit(OP_EQ, 6, 1, 0);              /* i == K: the last number too */
	emit_imm(OP_JNZ, 6, outer);
	/* hash = fold of mem[0..1023] by hash = (hash << 5) ^ (hash >> 2) ^ mem[j] */
	emit_imm(OP_LOADI, 12, 0);
	emit_imm(OP_LOADI, 13, 0);
	u32 fold = here();
	emit(OP_LD, 2, 12, 0);
	emit(OP_SHLI, 6, 13, 5);
	emit(OP_SHRI, 13, 13, 2);
	emit(OP_XOR, 13, 13, 6);
	emit(OP_XOR, 13, 13, 2);
	emit(OP_ADDI, 12, 12, 1);
	emit(OP_AND, 6, 12, 11);
	emit_imm(OP_JNZ, 6, fold);
	emit(OP_XOR, 3, 3, 13);
	emit(OP_HALT, 0, 0, 0);
}

static u32 execute(const u8 *pc0, u32 *mem, u32 k)
{
	u32 r[16] = { 0 };
	const u8 *pc = pc0;
	r[0] = k;
	for (;;) {
		u8 op = pc[0], a = pc[1], b = pc[2], c = pc[3];
		pc += 4;
		switch (op) {
		case OP_HALT: return r[3];
		case OP_LOADI: r[a] = (u32)b | (u32)c << 8; break;
		case OP_MOV: r[a] = r[b]; break;
		case OP_ADD: r[a] = r[b] + r[c]; break;
		case OP_SUB: r[a] = r[b] - r[c]; break;
		case OP_MUL: r[a] = r[b] * r[c]; break;
		case OP_AND: r[a] = r[b] & r[c]; break;
		case OP_XOR: r[a] = r[b] ^ r[c]; break;
		case OP_SHRI: r[a] = r[b] >> (c & 31); break;
		case OP_SHLI: r[a] = r[b] << (c & 31); break;
		case OP_ADDI: r[a] = r[b] + (u32)(i32)(i8)c; break;
		case OP_LT: r[a] = r[b] < r[c]; break;
		case OP_EQ: r[a] = r[b] == r[c]; break;
		case OP_LD: r[a] = mem[r[b] & (MEM_WORDS - 1)]; break;
		case OP_ST: mem[r[b] & (MEM_WORDS - 1)] = r[a]; break;
		case OP_JMP: pc = pc0 + 4 * ((u32)b | (u32)c << 8); break;
		case OP_JNZ: if (r[a]) pc = pc0 + 4 * ((u32)b | (u32)c << 8); break;
		case OP_JZ: if (!r[a]) pc = pc0 + 4 * ((u32)b | (u32)c << 8); break;
		default: return 0xdeadu;
		}
	}
}

static u32 bench_run(u32 reps)
{
	u32 *mem = bench_alloc(MEM_WORDS * sizeof *mem);
	u32 h = 0;
	build_program();
	for (u32 r = 0; r < reps; r++) {
		for (u32 i = 0; i < MEM_WORDS; i++)
			mem[i] = i;
		h = mix32(h, execute(code, mem, 1200 + (r & 127)));
	}
	return h;
}
