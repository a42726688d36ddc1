/*
 * edgeplug.h - the embedding API of the edgeplug WebAssembly engine.
 *
 * An engine holds the allocator every byte goes through. A module is a
 * decoded and validated binary whose functions are lowered to internal code
 * on their first call (ep_module_lower: all at once); it can be
 * instantiated many times. A store owns runtime objects (instances,
 * functions, tables, memories, globals) and the execution stacks; one store
 * is used by one thread at a time. Calls return an ep_status; when an
 * ep_error is passed, it receives a message that says where things went
 * wrong (byte offset, function index). The engine never prints and never
 * exits.
 *
 * Ownership. An object belongs to what made it: modules, stores, linkers
 * and WASI contexts to their engine (free them before the engine); runtime
 * objects (functions, tables, memories, globals, instances) to their store,
 * which frees them all at once; there is no way to free one alone. Pointers
 * the API hands out (names, types, messages) stay valid as long as the
 * object they came from unless a function says otherwise.
 *
 * Threads. An engine and everything made from it (modules, stores,
 * linkers, WASI contexts, runtime objects) may be used by one thread at a
 * time: calls on them must not overlap. (A call writes to its module, which
 * keeps the code of each function lowered on first call: stores of one
 * engine share modules, and one thread at a time is what makes that safe.) Engines share nothing: separate
 * engines on separate threads are fully independent (the library has no
 * global mutable state). The exceptions are ep_store_interrupt and
 * ep_wasi_interrupt, which any thread or a signal handler may call at any
 * time while the store is alive. Handing an engine from one thread to
 * another is fine with the usual synchronisation (a mutex, a join).
 */
#ifndef EDGEPLUG_H
#define EDGEPLUG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of these headers. ep_version() and ep_version_number()
 * give the library's, which a program linked against another build of
 * edgeplug can compare with these. Releases with the same major version
 * keep every declaration here source-compatible. */
#define EP_VERSION_MAJOR 0
#define EP_VERSION_MINOR 1
#define EP_VERSION_PATCH 0
#define EP_VERSION "0.1.0"
/* MAJOR << 16 | MINOR << 8 | PATCH: 0x000100 for 0.1.0. */
#define EP_VERSION_NUMBER ((EP_VERSION_MAJOR << 16) | (EP_VERSION_MINOR << 8) | EP_VERSION_PATCH)

/* Marks every public function. In a shared library built with
 * -fvisibility=hidden, only these are exported; define EP_API before
 * including to override it (e.g. __declspec(dllexport)). */
#ifndef EP_API
#if defined(__GNUC__) && __GNUC__ >= 4
#define EP_API __attribute__((visibility("default")))
#else
#define EP_API
#endif
#endif

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

/* The library's version: EP_VERSION and EP_VERSION_NUMBER as it was built
 * (a static string, never NULL). */
EP_API const char *ep_version(void);
EP_API uint32_t ep_version_number(void);

/* An engine with allocator alloc (NULL: malloc/realloc/free, and linear
 * memory mapped from the kernel) and its ud. *out is NULL on failure:
 * EP_ERR_NOMEM when the allocator refuses the engine's own few bytes,
 * EP_ERR_ARG without out. */
EP_API ep_status ep_engine_create(ep_alloc_fn alloc, void *ud, ep_engine **out, ep_error *err);
/* Shorthand for ep_engine_create: the engine or NULL. */
EP_API ep_engine *ep_engine_new(ep_alloc_fn alloc, void *ud);
/* Frees the engine, which must hold nothing any more (every module, store,
 * linker and WASI context freed). NULL is ignored. */
EP_API void ep_engine_free(ep_engine *engine);
/* Bytes currently allocated through the engine, and the peak. */
EP_API size_t ep_engine_bytes(const ep_engine *engine);
EP_API size_t ep_engine_peak_bytes(const ep_engine *engine);
/* Cap on total bytes the engine may hold; 0 means no cap. */
EP_API void ep_engine_set_byte_limit(ep_engine *engine, size_t limit);
/* Cap on the engine's own memory (modules, lowered code, tables, stacks,
 * instances), leaving linear memories to ep_limits.max_memory_pages;
 * 0 means no cap. Both caps apply. */
EP_API void ep_engine_set_runtime_limit(ep_engine *engine, size_t limit);
/* Memory for companions of the engine (the WASI layer), counted and capped
 * like the engine's own: the ep_alloc_fn contract (nsize 0 frees and returns
 * NULL; osize is the size ptr was allocated with, 0 for NULL). Returns NULL
 * when the allocator or the byte limit refuses. */
EP_API void *ep_engine_realloc(ep_engine *engine, void *ptr, size_t osize, size_t nsize);

/* Modules: decode and validate every function; each is lowered to internal
 * code on its first call (ep_module_lower: now). The bytes are copied: the
 * caller may free or reuse them as soon as this returns. On failure *out
 * is NULL and err says why and where (EP_ERR_MALFORMED or EP_ERR_INVALID
 * with the byte offset, EP_ERR_NOMEM, EP_ERR_ARG). Lowering costs no fuel;
 * when it runs out of memory, the call that needed it (ep_call, ep_resume,
 * ep_instantiate's start function) ends with EP_ERR_NOMEM, "out of memory
 * lowering function N", not a trap, and is not resumable; the store can
 * be called again. */
EP_API ep_status ep_module_load(ep_engine *engine, const uint8_t *bytes, size_t len,
                                ep_module **out, ep_error *err);
/* The same without the copy, for modules in flash or in a const array: the
 * caller promises that bytes stay valid and unchanged until
 * ep_module_free. The module's custom sections, function names and data
 * segments are then read from them (import and export names are still
 * copied). The engine never writes to nor frees the caller's bytes, so
 * one buffer may back modules of several engines on several threads at
 * once. Saves len bytes of engine memory against ep_module_load. */
EP_API ep_status ep_module_load_static(ep_engine *engine, const uint8_t *bytes, size_t len,
                                       ep_module **out, ep_error *err);
/* Lowers every function not yet lowered, so that no later call allocates
 * for code (what ep_module_load did before lowering became lazy): for
 * embedders who want every allocation up front. EP_ERR_NOMEM leaves the
 * module usable, the rest still lowered on first call. */
EP_API ep_status ep_module_lower(ep_module *m, ep_error *err);
/* Frees the module; every instance made from it must be gone first (its
 * store freed). NULL is ignored. */
EP_API void ep_module_free(ep_module *module);

EP_API uint32_t ep_module_import_count(const ep_module *m);
/* kind is EP_EXTERN_*; for functions, *type receives the signature. */
EP_API void ep_module_import(const ep_module *m, uint32_t i, const char **module,
                             size_t *module_len, const char **name, size_t *name_len,
                             uint8_t *kind);
EP_API int ep_module_import_functype(const ep_module *m, uint32_t i, ep_functype *type);
EP_API uint32_t ep_module_export_count(const ep_module *m);
EP_API void ep_module_export(const ep_module *m, uint32_t i, const char **name,
                             size_t *name_len, uint8_t *kind);
/* Finds the export called name (len bytes, not NUL-terminated) before
 * instantiation: returns 1 and its position in the export list (for
 * ep_module_export and friends) in *index (may be NULL), or 0. */
EP_API int ep_module_export_find(const ep_module *m, const char *name, size_t len, uint32_t *index);
/* Export i's index in the index space of its kind, or UINT32_MAX when there
 * is no export i. */
EP_API uint32_t ep_module_export_index(const ep_module *m, uint32_t i);
/* For a function export: returns 1 and fills *type (may be NULL); else 0. */
EP_API int ep_module_export_functype(const ep_module *m, uint32_t i, ep_functype *type);

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
EP_API uint32_t ep_module_count(const ep_module *m, uint8_t kind);
EP_API uint32_t ep_module_imported(const ep_module *m, uint8_t kind);

/* Function types of the type section. */
EP_API uint32_t ep_module_type_count(const ep_module *m);
EP_API int ep_module_type(const ep_module *m, uint32_t typeidx, ep_functype *type);
/* Function funcidx (imported or defined): its type index (UINT32_MAX when
 * out of range), or 1 and its signature. */
EP_API uint32_t ep_module_func_typeidx(const ep_module *m, uint32_t funcidx);
EP_API int ep_module_func_type(const ep_module *m, uint32_t funcidx, ep_functype *type);

/* Table, memory and global declarations (imported or defined) by index:
 * return 1 and fill the fields, or 0 when out of range. Limits are in
 * elements (tables) or 64 KiB pages (memories); *max is 0 when !*has_max. */
EP_API int ep_module_table(const ep_module *m, uint32_t i, uint8_t *reftype,
                           uint32_t *min, uint32_t *max, int *has_max);
EP_API int ep_module_memory(const ep_module *m, uint32_t i, uint32_t *min,
                            uint32_t *max, int *has_max);
EP_API int ep_module_global(const ep_module *m, uint32_t i, uint8_t *valtype, int *mutable_);
/* Returns 1 and the start function's index when there is a start section. */
EP_API int ep_module_start(const ep_module *m, uint32_t *funcidx);

/* Every section of the binary in order, custom sections included: its id
 * (0 custom, 1 type, ... 12 data count; see ep_section_name) and its
 * contents, which start at byte offset *offset of the binary (after the id
 * and size fields) and take *size bytes. Returns 0 when i is out of range. */
EP_API uint32_t ep_module_section_count(const ep_module *m);
EP_API int ep_module_section(const ep_module *m, uint32_t i, uint8_t *id,
                             size_t *offset, size_t *size);

/* Custom sections in binary order: the name and the payload after it,
 * pointing into the module's copy of the binary (*data is non-NULL even
 * for an empty payload). Returns 0 when i is out of range. */
EP_API uint32_t ep_module_custom_count(const ep_module *m);
EP_API int ep_module_custom_section(const ep_module *m, uint32_t i, const char **name,
                                    size_t *name_len, const uint8_t **data, size_t *size);

/* Names from the "name" custom section (its first occurrence): the module
 * name (subsection 0) and function names (subsection 1). A name section
 * that does not decode is ignored whole: the module still loads and has
 * no names. Each returns 1 and the name when there is one. */
EP_API int ep_module_name(const ep_module *m, const char **name, size_t *len);
EP_API int ep_module_func_name(const ep_module *m, uint32_t funcidx, const char **name,
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
EP_API uint32_t ep_module_features(const ep_module *m);

/* Per-store limits. Zero fields mean "the default" (see src/config.h):
 * 10000 calls deep, 128 Ki stack slots, 4096 pages (256 MiB) for each
 * memory, 10,000,000 entries for each table. */
typedef struct ep_limits {
	uint32_t max_call_depth;
	uint32_t max_stack_slots;     /* value stack, in 8-byte slots */
	uint32_t max_memory_pages;    /* cap for every memory of the store */
	uint32_t max_table_elements;  /* cap for every table of the store */
} ep_limits;

/* A store with limits (NULL: all defaults), its stacks allocated now.
 * *out is NULL on failure: EP_ERR_NOMEM (the stacks did not fit the
 * allocator or the engine's limits), EP_ERR_LIMIT (stacks larger than the
 * host can address), EP_ERR_ARG. */
EP_API ep_status ep_store_create(ep_engine *engine, const ep_limits *limits, ep_store **out,
                                 ep_error *err);
/* Shorthand for ep_store_create: the store or NULL. */
EP_API ep_store *ep_store_new(ep_engine *engine, const ep_limits *limits);
/* Frees the store and every object in it. No call may be running in it.
 * NULL is ignored. */
EP_API void ep_store_free(ep_store *store);
/* One pointer of the embedder's per store (NULL until set), for host
 * functions to find their state through ep_caller_store. The store never
 * reads, frees or dereferences it. */
EP_API void ep_store_set_data(ep_store *store, void *data);
EP_API void *ep_store_data(const ep_store *store);

/* Fuel: UINT64_MAX (the default) is unlimited. Fuel left and used are
 * updated whenever a call returns or traps. */
EP_API void ep_store_set_fuel(ep_store *store, uint64_t fuel);
EP_API uint64_t ep_store_fuel_left(const ep_store *store);
EP_API uint64_t ep_store_fuel_used(const ep_store *store);
/* Adds to the fuel left (saturating; unlimited stays unlimited). */
EP_API void ep_store_add_fuel(ep_store *store, uint64_t fuel);
/* The deepest call nesting and the most linear memory (bytes, all memories
 * of the store together) seen so far. */
EP_API uint32_t ep_store_peak_call_depth(const ep_store *store);
EP_API uint64_t ep_store_peak_memory(const ep_store *store);
/* Safe to call from a signal handler or another thread: the running call
 * stops with EP_TRAP_INTERRUPT within EP_FUEL_CHUNK units of work (10,000
 * by default: well under 10 ms on a Pi Zero), at a block boundary or
 * between two slices of a long bulk instruction, which a resume finishes.
 * A host function in progress is finished first. */
EP_API void ep_store_interrupt(ep_store *store);

/* Instantiates m with imports[i] for import i (nimports of them, in the
 * module's import order), running its start function. EP_ERR_UNLINKABLE
 * names the first missing or mistyped import. On failure *out is NULL; an
 * instance whose segments or start function trapped stays in the store
 * (its functions may already be in shared tables). */
EP_API ep_status ep_instantiate(ep_store *store, const ep_module *module,
                                const ep_extern *imports, size_t nimports,
                                ep_instance **out, ep_error *err);
/* Looks up an export by name; returns 1 and fills *out when found. */
EP_API int ep_instance_export(const ep_instance *inst, const char *name, size_t name_len,
                              ep_extern *out);
/* The instance's default memory (index 0), or NULL. */
EP_API ep_memory *ep_instance_memory(const ep_instance *inst);

/* Host functions. args and results are laid out by the function's type,
 * each with its .type already set; the host fills results' values. Return
 * EP_TRAP_NONE on success, or a trap (see ep_caller_*): the wasm call then
 * fails with EP_ERR_TRAP and that trap (EP_TRAP_INTERRUPT suspends it
 * instead, resumable like fuel). A host function must not call into its
 * own store (ep_call refuses with EP_ERR_ARG). */
typedef ep_trap (*ep_host_fn)(ep_caller *caller, void *env,
                              const ep_value *args, ep_value *results);
/* A host function in store of the given type (copied), calling fn with env
 * (never dereferenced by the engine). EP_ERR_ARG for a missing or bad
 * type, EP_ERR_NOMEM; *out is NULL on failure. */
EP_API ep_status ep_func_create_host(ep_store *store, const ep_functype *type, ep_host_fn fn,
                                     void *env, ep_func **out, ep_error *err);
/* Shorthand for ep_func_create_host: the function or NULL. */
EP_API ep_func *ep_func_new_host(ep_store *store, const ep_functype *type,
                                 ep_host_fn fn, void *env);
EP_API void ep_func_type(const ep_func *f, ep_functype *type);
/* Inside a host function: the calling instance's memory 0 (or NULL). */
EP_API ep_memory *ep_caller_memory(ep_caller *caller);
EP_API ep_store *ep_caller_store(ep_caller *caller);
/* Inside a host function: set the message of an EP_TRAP_HOST it returns,
 * or the code of an EP_TRAP_EXIT. */
EP_API void ep_caller_set_message(ep_caller *caller, const char *msg);
EP_API void ep_caller_set_exit(ep_caller *caller, int code);

/* Tables, memories and globals made by the host, to import into modules
 * (ep_linker_define). *out is NULL on failure: EP_ERR_ARG (a bad type, max
 * below min, more than 65536 pages), EP_ERR_LIMIT (min above the store's
 * cap), EP_ERR_NOMEM. The _new forms are shorthands returning the object
 * or NULL. */
EP_API ep_status ep_table_create(ep_store *store, uint8_t reftype, uint32_t min, uint32_t max,
                                 int has_max, ep_table **out, ep_error *err);
EP_API ep_table *ep_table_new(ep_store *store, uint8_t reftype, uint32_t min,
                              uint32_t max, int has_max);
EP_API ep_status ep_memory_create(ep_store *store, uint32_t min_pages, uint32_t max_pages,
                                  int has_max, ep_memory **out, ep_error *err);
EP_API ep_memory *ep_memory_new(ep_store *store, uint32_t min_pages, uint32_t max_pages,
                                int has_max);
EP_API ep_status ep_global_create(ep_store *store, ep_value value, int mutable_, ep_global **out,
                                  ep_error *err);
EP_API ep_global *ep_global_new(ep_store *store, ep_value value, int mutable_);

/* Tables from the host. Elements are ep_value of the table's type
 * (EP_FUNCREF: of.ref must be an ep_func * of the same store, or NULL,
 * which is not checked; EP_EXTERNREF: any pointer, never dereferenced).
 * Get and set fail with EP_ERR_ARG on an index at or past the size or a
 * value of another type, and change nothing then. Grow adds delta elements
 * set to init and gives the old size: EP_ERR_LIMIT past the table's
 * maximum or the store's cap, EP_ERR_NOMEM. Type: the element type, the
 * current size, and the declared maximum (*max 0 when !*has_max). */
EP_API uint32_t ep_table_size(const ep_table *t);
EP_API void ep_table_type(const ep_table *t, uint8_t *reftype, uint32_t *size, uint32_t *max,
                          int *has_max);
EP_API ep_status ep_table_get(const ep_table *t, uint32_t i, ep_value *out, ep_error *err);
EP_API ep_status ep_table_set(ep_table *t, uint32_t i, ep_value value, ep_error *err);
EP_API ep_status ep_table_grow(ep_store *store, ep_table *t, uint32_t delta, ep_value init,
                               uint32_t *old_size, ep_error *err);

/*
 * Linear memory from the host. Addresses are guest addresses (byte offsets
 * into the memory), taken as 64-bit so addr + len is checked without
 * wrapping: a range is valid when addr + len <= ep_memory_size (a range
 * ending exactly at the end is valid, one byte more is not).
 *
 * Pointer validity: the base (ep_memory_data) and every pointer from
 * ep_memory_ptr are valid only until the memory next grows, which happens
 * on memory.grow by the module, ep_memory_grow by the host, and so possibly
 * during any call into wasm code of that store (ep_call, ep_resume,
 * ep_instantiate with a start function). Growing may move the whole memory
 * (the base changes) and never moves it back. Inside a host function, the
 * pointers are valid until it returns, unless it grows the memory itself;
 * take them afresh in each call. The read/write/strlen helpers take no
 * pointer and are always safe.
 */
EP_API uint8_t *ep_memory_data(ep_memory *mem);
EP_API uint64_t ep_memory_size(const ep_memory *mem);   /* bytes */
EP_API uint32_t ep_memory_pages(const ep_memory *mem);  /* 64 KiB pages */
/* A pointer to len bytes at addr, or NULL when any of them is out of range
 * (or mem is NULL). len 0 at addr == size gives the end pointer. */
EP_API void *ep_memory_ptr(ep_memory *mem, uint64_t addr, uint64_t len);
/* Copies len bytes out of (read) or into (write) the memory: 0 on success;
 * -1 when the range is out of bounds, and then nothing is copied. */
EP_API int ep_memory_read(const ep_memory *mem, uint64_t addr, void *dst, size_t len);
EP_API int ep_memory_write(ep_memory *mem, uint64_t addr, const void *src, size_t len);
/* The length of the NUL-terminated string at addr: 0 and *len (the bytes
 * before the NUL) when a NUL is found within the first max bytes and before
 * the memory's end; -1 otherwise. */
EP_API int ep_memory_strlen(const ep_memory *mem, uint64_t addr, size_t max, size_t *len);
/* Grows mem, a memory of store, by delta pages (zeroed) as memory.grow
 * would, and gives the old page count: EP_ERR_LIMIT past its maximum or the
 * store's max_memory_pages, EP_ERR_NOMEM when the allocator or the engine's
 * byte limit refuses; the memory is unchanged on failure. Every pointer
 * into it may be invalid afterwards (see above). */
EP_API ep_status ep_memory_grow(ep_store *store, ep_memory *mem, uint32_t delta, uint32_t *old_pages,
                                ep_error *err);

/* Globals from the host. Set fails with EP_ERR_ARG on an immutable global
 * or a value of another type, changing nothing. */
EP_API ep_value ep_global_get(const ep_global *g);
EP_API ep_status ep_global_set(ep_global *g, ep_value value, ep_error *err);
EP_API void ep_global_type(const ep_global *g, uint8_t *valtype, int *mutable_);

/*
 * The linker: imports by name. Definitions are kept by module and field
 * name (byte strings, compared exactly, copied); ep_linker_instantiate
 * looks every import of a module up by binary search (O(log n) per import
 * for n definitions) and instantiates it with what it finds. A linker
 * belongs to its engine and may serve any number of stores and modules;
 * freeing it never touches the stores it instantiated into. Everything
 * goes through the engine's allocator.
 */
typedef struct ep_linker ep_linker;
/* A new, empty linker (strict: unknown imports fail). EP_ERR_NOMEM,
 * EP_ERR_ARG. */
EP_API ep_status ep_linker_new(ep_engine *engine, ep_linker **out, ep_error *err);
/* Frees the linker and its definitions; never the externs they name, nor
 * the functions instantiation made from it. NULL is ignored. */
EP_API void ep_linker_free(ep_linker *l);
/* A host function module.name of this type (copied); fn gets env as its
 * env. Store-independent: the function is made in the store at each
 * instantiate that imports it. A name defined already: EP_ERR_ARG. */
EP_API ep_status ep_linker_define_func(ep_linker *l, const char *module, const char *name,
                                       const ep_functype *type, ep_host_fn fn, void *env,
                                       ep_error *err);
/* An existing extern (a function, table, memory or global of one store)
 * under module.name: only for instantiating into that store (other stores
 * are refused when the extern's store is known: instance exports and wasm
 * functions). A name defined already: EP_ERR_ARG. */
EP_API ep_status ep_linker_define(ep_linker *l, const char *module, const char *name,
                                  const ep_extern *x, ep_error *err);
/* Every export of inst under module (for linking modules together), or
 * none of them when one name is defined already (EP_ERR_ARG). */
EP_API ep_status ep_linker_define_instance(ep_linker *l, const char *module, const ep_instance *inst,
                                           ep_error *err);
/* on 1: an unknown function import resolves to a stub that traps with
 * EP_TRAP_HOST and the message "unknown import MOD.NAME called" when
 * called (wasmtime's --trap-unknown-imports); other unknown imports still
 * fail. 0, the default: every unknown import fails. */
EP_API void ep_linker_set_trap_unknown(ep_linker *l, int on);
/* Resolves every import of m by name and instantiates m in store (running
 * its start function). An unresolved import is EP_ERR_UNLINKABLE "unknown
 * import MOD.NAME", a mistyped one EP_ERR_UNLINKABLE "incompatible import
 * type MOD.NAME: " and what was expected and what was found; the first
 * such import in the module's order is the one named. Nothing stays in
 * the store when linking fails; otherwise as ep_instantiate (a trap in the
 * start function leaves the instance in the store, *out NULL). */
EP_API ep_status ep_linker_instantiate(ep_linker *l, ep_store *store, const ep_module *m,
                                       ep_instance **out, ep_error *err);

/* Calls f. nargs and nresults must match its type. */
EP_API ep_status ep_call(ep_store *store, ep_func *f, const ep_value *args, size_t nargs,
                         ep_value *results, size_t nresults, ep_error *err);
/* After EP_TRAP_FUEL or EP_TRAP_INTERRUPT: continue the same call where it
 * stopped (add fuel first), or abandon it. */
EP_API ep_status ep_resume(ep_store *store, ep_value *results, size_t nresults, ep_error *err);
EP_API void ep_abandon(ep_store *store);

/* Names for messages, all in one place (src/module.c): static strings,
 * never NULL, each covering every value of its enum. ep_trap_name: the
 * spec's trap messages ("unreachable", "integer divide by zero", ...,
 * "fuel exhausted", "interrupted", "host error", "exit"); "unknown trap"
 * otherwise. */
EP_API const char *ep_trap_name(ep_trap trap);
/* "ok", "malformed", "invalid", "unlinkable", "trap", "out of memory",
 * "limit", "bad argument"; "unknown status" otherwise. */
EP_API const char *ep_status_name(ep_status status);
/* "i32", "i64", "f32", "f64", "funcref", "externref", "v128"; "unknown
 * type" otherwise. */
EP_API const char *ep_valtype_name(uint8_t type);
/* A single EP_FEATURE_* bit: "multi-value", "reference-types",
 * "bulk-memory", "nontrapping-float-to-int", "sign-extension",
 * "mutable-globals"; "unknown feature" for anything else. */
EP_API const char *ep_feature_name(uint32_t bit);
/* Section id: "custom", "type", "import", "function", "table", "memory",
 * "global", "export", "start", "element", "code", "data", "data count";
 * "unknown section" otherwise. */
EP_API const char *ep_section_name(uint8_t id);
/* Extern kind EP_EXTERN_*: "func", "table", "memory", "global"; "unknown
 * kind" otherwise. */
EP_API const char *ep_extern_kind_name(uint8_t kind);

#ifdef __cplusplus
}
#endif
#endif
