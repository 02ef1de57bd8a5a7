# Locates libclang: an explicit LIBCLANG_LLVM_CONFIG, then llvm-config on PATH,
# then the newest /usr/lib/llvm-N. Defines the imported target LibClang::LibClang.
set(_llvm_configs)
if(LIBCLANG_LLVM_CONFIG)
    list(APPEND _llvm_configs ${LIBCLANG_LLVM_CONFIG})
endif()
foreach(v 19 18 17 16 15 14)
    list(APPEND _llvm_configs /usr/lib/llvm-${v}/bin/llvm-config)
endforeach()
find_program(_llvm_config_on_path llvm-config)
if(_llvm_config_on_path AND NOT LIBCLANG_LLVM_CONFIG)
    list(PREPEND _llvm_configs ${_llvm_config_on_path})
endif()

foreach(cfg ${_llvm_configs})
    if(NOT EXISTS ${cfg})
        continue()
    endif()
    execute_process(COMMAND ${cfg} --libdir OUTPUT_VARIABLE _libdir OUTPUT_STRIP_TRAILING_WHITESPACE)
    execute_process(COMMAND ${cfg} --includedir OUTPUT_VARIABLE _incdir OUTPUT_STRIP_TRAILING_WHITESPACE)
    execute_process(COMMAND ${cfg} --version OUTPUT_VARIABLE _ver OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(EXISTS "${_libdir}/libclang.so" AND EXISTS "${_incdir}/clang-c/Index.h")
        set(LIBCLANG_LIBRARY "${_libdir}/libclang.so")
        set(LIBCLANG_INCLUDE_DIR "${_incdir}")
        set(LIBCLANG_VERSION "${_ver}")
        break()
    endif()
endforeach()

if(NOT LIBCLANG_LIBRARY)
    message(FATAL_ERROR "libclang not found: install libclang-dev (apt-get install libclang-dev) "
                        "or pass -DLIBCLANG_LLVM_CONFIG=/usr/lib/llvm-N/bin/llvm-config")
endif()
message(STATUS "libclang ${LIBCLANG_VERSION}: ${LIBCLANG_LIBRARY}")
add_library(LibClang::LibClang SHARED IMPORTED)
set_target_properties(LibClang::LibClang PROPERTIES
    IMPORTED_LOCATION "${LIBCLANG_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIBCLANG_INCLUDE_DIR}")
