/*
 * edgeplug.h - the embedding API of the edgeplug WebAssembly engine.
 *
 * An engine holds the allocator every byte goes through. A module is a
 * decoded, validated and lowered binary; it is immutable and can be
 * instantiated many times. A store owns runtime objects (instances,
 * functions, tables, memories, globals) and the execution stacks; one store
 * is used by one thread at a time. Calls return an ep_status; when an
 * ep_error is passed, it receives a message that says where things went
 * wrong (byte offset, function index). The engine never prints and never
 * exits.
 */
#ifndef EDGEPLUG_H
#define EDGEPLUG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EP_VERSION "0.1.0"

typedef enum ep_status {
	EP_OK = 0,
	EP_ERR_MALFORMED,   /* the binary does not decode */
	EP_ERR_INVALID,     /* the module decodes but does not validate */
	EP_ERR_UNLINKABLE,  /* an import is missing or has the wrong type */
	EP_ERR_TRAP,        /* execution trapped; ep_error.trap says why */
	EP_ERR_NOMEM,       /* the allocator refused */
	EP_ERR_LIMIT,       /* a configured limit was exceeded at load/instantiate */
	EP_ERR_ARG          /* bad argument from the embedder */
} ep_status;

typedef enum ep_trap {
	EP_TRAP_NONE = 0,
	EP_TRAP_UNREACHABLE,
	EP_TRAP_DIV_ZERO,
	EP_TRAP_INT_OVERFLOW,
	EP_TRAP_INVALID_CONVERSION,
	EP_TRAP_OOB_MEMORY,
	EP_TRAP_OOB_TABLE,
	EP_TRAP_INDIRECT_TYPE,      /* call_indirect signature mismatch */
	EP_TRAP_UNINIT_ELEMENT,     /* call_indirect through a null entry */
	EP_TRAP_STACK_EXHAUSTED,    /* call depth or value stack limit */
	EP_TRAP_FUEL,               /* fuel budget used up (resumable) */
	EP_TRAP_INTERRUPT,          /* ep_store_interrupt was called (resumable) */
	EP_TRAP_HOST,               /* a host function reported an error */
	EP_TRAP_EXIT                /* a host function asked to exit (WASI proc_exit) */
} ep_trap;

typedef struct ep_error {
	ep_status status;
	ep_trap trap;
	uint32_t func;      /* function index for traps and body errors, or UINT32_MAX */
	size_t offset;      /* byte offset into the binary, or SIZE_MAX */
	int exit_code;      /* for EP_TRAP_EXIT */
	char msg[192];      /* one line, no trailing newline */
} ep_error;

/* Value types use their binary encodings. */
enum {
	EP_I32 = 0x7f, EP_I64 = 0x7e, EP_F32 = 0x7d, EP_F64 = 0x7c,
	EP_FUNCREF = 0x70, EP_EXTERNREF = 0x6f
};

/* Floats travel as bits so NaN payloads are preserved exactly. */
typedef struct ep_value {
	uint8_t type;
	union {
		int32_t i32;
		int64_t i64;
		uint32_t f32;   /* bits */
		uint64_t f64;   /* bits */
		void *ref;      /* ep_func* for funcref, embedder pointer for externref; NULL is null */
	} of;
} ep_value;

typedef struct ep_functype {
	uint32_t nparams, nresults;
	const uint8_t *params, *results;
} ep_functype;

enum { EP_EXTERN_FUNC = 0, EP_EXTERN_TABLE = 1, EP_EXTERN_MEMORY = 2, EP_EXTERN_GLOBAL = 3 };

typedef struct ep_engine ep_engine;
typedef struct ep_module ep_module;
typedef struct ep_store ep_store;
typedef struct ep_instance ep_instance;
typedef struct ep_func ep_func;
typedef struct ep_table ep_table;
typedef struct ep_memory ep_memory;
typedef struct ep_global ep_global;
typedef struct ep_caller ep_caller;

typedef struct ep_extern {
	uint8_t kind;       /* EP_EXTERN_* */
	union {
		ep_func *func;
		ep_table *table;
		ep_memory *memory;
		ep_global *global;
	} of;
} ep_extern;

/*
 * The allocator: Lua's lua_Alloc contract. nsize == 0 frees ptr and returns
 * NULL; otherwise it behaves like realloc (ptr NULL means allocate) and
 * returns NULL to refuse. osize is the size previously allocated for ptr
 * (0 when ptr is NULL). Linear memories go through it too, and the engine
 * zeroes the bytes it adds, touching every page it is given. Without one
 * (NULL), linear memory is mapped from the kernel instead and costs no RAM
 * until touched; either way every byte is counted and limited.
 */
typedef void *(*ep_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

/* Engine: alloc may be NULL for malloc/realloc/free. */
ep_engine *ep_engine_new(ep_alloc_fn alloc, void *ud);
void ep_engine_free(ep_engine *engine);
/* Bytes currently allocated through the engine, and the peak. */
size_t ep_engine_bytes(const ep_engine *engine);
size_t ep_engine_peak_bytes(const ep_engine *engine);
/* Cap on total bytes the engine may hold; 0 means no cap. */
void ep_engine_set_byte_limit(ep_engine *engine, size_t limit);
/* Cap on the engine's own memory (modules, lowered code, tables, stacks,
 * instances), leaving linear memories to ep_limits.max_memory_pages;
 * 0 means no cap. Both caps apply. */
void ep_engine_set_runtime_limit(ep_engine *engine, size_t limit);
/* Memory for companions of the engine (the WASI layer), counted and capped
 * like the engine's own: the ep_alloc_fn contract (nsize 0 frees and returns
 * NULL; osize is the size ptr was allocated with, 0 for NULL). Returns NULL
 * when the allocator or the byte limit refuses. */
void *ep_engine_realloc(ep_engine *engine, void *ptr, size_t osize, size_t nsize);

/* Modules: decode, validate and lower. The bytes are copied. */
ep_status ep_module_load(ep_engine *engine, const uint8_t *bytes, size_t len,
                         ep_module **out, ep_error *err);
void ep_module_free(ep_module *module);

uint32_t ep_module_import_count(const ep_module *m);
/* kind is EP_EXTERN_*; for functions, *type receives the signature. */
void ep_module_import(const ep_module *m, uint32_t i, const char **module,
                      size_t *module_len, const char **name, size_t *name_len,
                      uint8_t *kind);
int ep_module_import_functype(const ep_module *m, uint32_t i, ep_functype *type);
uint32_t ep_module_export_count(const ep_module *m);
void ep_module_export(const ep_module *m, uint32_t i, const char **name,
                      size_t *name_len, uint8_t *kind);
/* Export i's index in the index space of its kind, or UINT32_MAX when there
 * is no export i. */
uint32_t ep_module_export_index(const ep_module *m, uint32_t i);
/* For a function export: returns 1 and fills *type (may be NULL); else 0. */
int ep_module_export_functype(const ep_module *m, uint32_t i, ep_functype *type);

/*
 * Inspecting a module. Everything below reads what the load recorded and
 * never fails beyond "no such entry" (0 or UINT32_MAX). Returned pointers
 * and ep_functype arrays point into the module and stay valid until
 * ep_module_free; names and payloads that point into the binary are not
 * NUL-terminated (use the length). Out-parameters may be NULL.
 */

/* Index spaces hold imports first, then the module's own definitions. For
 * kind EP_EXTERN_*: the number of entries, and how many are imported
 * (0 for an unknown kind). */
uint32_t ep_module_count(const ep_module *m, uint8_t kind);
uint32_t ep_module_imported(const ep_module *m, uint8_t kind);

/* Function types of the type section. */
uint32_t ep_module_type_count(const ep_module *m);
int ep_module_type(const ep_module *m, uint32_t typeidx, ep_functype *type);
/* Function funcidx (imported or defined): its type index (UINT32_MAX when
 * out of range), or 1 and its signature. */
uint32_t ep_module_func_typeidx(const ep_module *m, uint32_t funcidx);
int ep_module_func_type(const ep_module *m, uint32_t funcidx, ep_functype *type);

/* Table, memory and global declarations (imported or defined) by index:
 * return 1 and fill the fields, or 0 when out of range. Limits are in
 * elements (tables) or 64 KiB pages (memories); *max is 0 when !*has_max. */
int ep_module_table(const ep_module *m, uint32_t i, uint8_t *reftype,
                    uint32_t *min, uint32_t *max, int *has_max);
int ep_module_memory(const ep_module *m, uint32_t i, uint32_t *min,
                     uint32_t *max, int *has_max);
int ep_module_global(const ep_module *m, uint32_t i, uint8_t *valtype, int *mutable_);
/* Returns 1 and the start function's index when there is a start section. */
int ep_module_start(const ep_module *m, uint32_t *funcidx);

/* Every section of the binary in order, custom sections included: its id
 * (0 custom, 1 type, ... 12 data count; see ep_section_name) and its
 * contents, which start at byte offset *offset of the binary (after the id
 * and size fields) and take *size bytes. Returns 0 when i is out of range. */
uint32_t ep_module_section_count(const ep_module *m);
int ep_module_section(const ep_module *m, uint32_t i, uint8_t *id,
                      size_t *offset, size_t *size);

/* Custom sections in binary order: the name and the payload after it,
 * pointing into the module's copy of the binary (*data is non-NULL even
 * for an empty payload). Returns 0 when i is out of range. */
uint32_t ep_module_custom_count(const ep_module *m);
int ep_module_custom_section(const ep_module *m, uint32_t i, const char **name,
                             size_t *name_len, const uint8_t **data, size_t *size);

/* Names from the "name" custom section (its first occurrence): the module
 * name (subsection 0) and function names (subsection 1). A name section
 * that does not decode is ignored whole: the module still loads and has
 * no names. Each returns 1 and the name when there is one. */
int ep_module_name(const ep_module *m, const char **name, size_t *len);
int ep_module_func_name(const ep_module *m, uint32_t funcidx, const char **name,
                        size_t *len);

/* Features beyond the 1.0 (MVP) binary that the module uses, as seen while
 * decoding: the bits of ep_module_features. */
enum {
	/* a function type with more than one result, a block type by index */
	EP_FEATURE_MULTI_VALUE = 1u << 0,
	/* funcref/externref values, externref tables, more than one table,
	 * ref.*, table.get/set/size/grow/fill, typed select, declarative
	 * element segments */
	EP_FEATURE_REFERENCE_TYPES = 1u << 1,
	/* memory.init/copy/fill, data.drop, table.init/copy, elem.drop, the
	 * data count section, passive segments, element expressions */
	EP_FEATURE_BULK_MEMORY = 1u << 2,
	/* i32/i64.trunc_sat_f32/f64_s/u (0xfc 0-7) */
	EP_FEATURE_SAT_FLOAT_TO_INT = 1u << 3,
	/* i32.extend8_s ... i64.extend32_s (0xc0-0xc4) */
	EP_FEATURE_SIGN_EXT = 1u << 4,
	/* an imported or exported mutable global */
	EP_FEATURE_MUTABLE_GLOBALS = 1u << 5,
	EP_FEATURE_COUNT = 6         /* number of bits */
};
uint32_t ep_module_features(const ep_module *m);

/* Per-store limits. Zero fields mean "the default" (see src/config.h):
 * 10000 calls deep, 128 Ki stack slots, 4096 pages (256 MiB) for each
 * memory, 10,000,000 entries for each table. */
typedef struct ep_limits {
	uint32_t max_call_depth;
	uint32_t max_stack_slots;     /* value stack, in 8-byte slots */
	uint32_t max_memory_pages;    /* cap for every memory of the store */
	uint32_t max_table_elements;  /* cap for every table of the store */
} ep_limits;

ep_store *ep_store_new(ep_engine *engine, const ep_limits *limits);
void ep_store_free(ep_store *store);

/* Fuel: UINT64_MAX (the default) is unlimited. Fuel left and used are
 * updated whenever a call returns or traps. */
void ep_store_set_fuel(ep_store *store, uint64_t fuel);
uint64_t ep_store_fuel_left(const ep_store *store);
uint64_t ep_store_fuel_used(const ep_store *store);
/* Adds to the fuel left (saturating; unlimited stays unlimited). */
void ep_store_add_fuel(ep_store *store, uint64_t fuel);
/* The deepest call nesting and the most linear memory (bytes, all memories
 * of the store together) seen so far. */
uint32_t ep_store_peak_call_depth(const ep_store *store);
uint64_t ep_store_peak_memory(const ep_store *store);
/* Safe to call from a signal handler or another thread: the running call
 * stops with EP_TRAP_INTERRUPT within EP_FUEL_CHUNK units of work (10,000
 * by default: well under 10 ms on a Pi Zero), at a block boundary or
 * between two slices of a long bulk instruction, which a resume finishes.
 * A host function in progress is finished first. */
void ep_store_interrupt(ep_store *store);

ep_status ep_instantiate(ep_store *store, const ep_module *module,
                         const ep_extern *imports, size_t nimports,
                         ep_instance **out, ep_error *err);
/* Looks up an export by name; returns 1 and fills *out when found. */
int ep_instance_export(const ep_instance *inst, const char *name, size_t name_len,
                       ep_extern *out);
/* The instance's default memory (index 0), or NULL. */
ep_memory *ep_instance_memory(const ep_instance *inst);

/* Host functions. args and results are laid out by the function's type.
 * Return EP_TRAP_NONE on success, or a trap (see ep_caller_*). */
typedef ep_trap (*ep_host_fn)(ep_caller *caller, void *env,
                              const ep_value *args, ep_value *results);
ep_func *ep_func_new_host(ep_store *store, const ep_functype *type,
                          ep_host_fn fn, void *env);
void ep_func_type(const ep_func *f, ep_functype *type);
/* Inside a host function: the calling instance's memory 0 (or NULL). */
ep_memory *ep_caller_memory(ep_caller *caller);
ep_store *ep_caller_store(ep_caller *caller);
/* Inside a host function: set the message of an EP_TRAP_HOST it returns,
 * or the code of an EP_TRAP_EXIT. */
void ep_caller_set_message(ep_caller *caller, const char *msg);
void ep_caller_set_exit(ep_caller *caller, int code);

ep_table *ep_table_new(ep_store *store, uint8_t reftype, uint32_t min,
                       uint32_t max, int has_max);
uint32_t ep_table_size(const ep_table *t);
ep_memory *ep_memory_new(ep_store *store, uint32_t min_pages, uint32_t max_pages,
                         int has_max);
uint8_t *ep_memory_data(ep_memory *mem);
uint64_t ep_memory_size(const ep_memory *mem);   /* bytes */
ep_global *ep_global_new(ep_store *store, ep_value value, int mutable_);
ep_value ep_global_get(const ep_global *g);

/* Calls f. nargs and nresults must match its type. */
ep_status ep_call(ep_store *store, ep_func *f, const ep_value *args, size_t nargs,
                  ep_value *results, size_t nresults, ep_error *err);
/* After EP_TRAP_FUEL or EP_TRAP_INTERRUPT: continue the same call where it
 * stopped (add fuel first), or abandon it. */
ep_status ep_resume(ep_store *store, ep_value *results, size_t nresults, ep_error *err);
void ep_abandon(ep_store *store);

/* Names for messages: static strings, never NULL. */
const char *ep_trap_name(ep_trap trap);
/* "ok", "malformed", "invalid", "unlinkable", "trap", "out of memory",
 * "limit", "bad argument"; "unknown status" otherwise. */
const char *ep_status_name(ep_status status);
/* "i32", "i64", "f32", "f64", "funcref", "externref", "v128"; "unknown
 * type" otherwise. */
const char *ep_valtype_name(uint8_t type);
/* A single EP_FEATURE_* bit: "multi-value", "reference-types",
 * "bulk-memory", "nontrapping-float-to-int", "sign-extension",
 * "mutable-globals"; "unknown feature" for anything else. */
const char *ep_feature_name(uint32_t bit);
/* Section id: "custom", "type", "import", "function", "table", "memory",
 * "global", "export", "start", "element", "code", "data", "data count";
 * "unknown section" otherwise. */
const char *ep_section_name(uint8_t id);
/* Extern kind EP_EXTERN_*: "func", "table", "memory", "global"; "unknown
 * kind" otherwise. */
const char *ep_extern_kind_name(uint8_t kind);

#ifdef __cplusplus
}
#endif
#endif
