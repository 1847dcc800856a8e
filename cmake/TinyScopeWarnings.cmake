# SPDX-License-Identifier: GPL-3.0-or-later
# One interface target carries the warning flags and the Qt hygiene definitions; every target links it.
add_library(tinyscope_warnings INTERFACE)
target_compile_options(tinyscope_warnings INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
        -Wcast-align -Woverloaded-virtual -Wsuggest-override -Wnull-dereference -Wdouble-promotion
        -Wformat=2 -Wimplicit-fallthrough>
    $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wpedantic>)
target_compile_definitions(tinyscope_warnings INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_FOREACH QT_USE_QSTRINGBUILDER
    QT_NO_URL_CAST_FROM_STRING QT_DISABLE_DEPRECATED_BEFORE=0x060400)
if(TINYSCOPE_WERROR)
    target_compile_options(tinyscope_warnings INTERFACE -Werror)
endif()
if(TINYSCOPE_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()
# libFuzzer targets (tests/fuzz, preset `fuzz`): clang only. Every target is instrumented for coverage, ASan and
# UBSan; only the fuzz executables link libFuzzer's main (-fsanitize=fuzzer, added in tests/fuzz).
option(TINYSCOPE_FUZZ "Build the libFuzzer targets in tests/fuzz (clang only)" OFF)
if(TINYSCOPE_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "TINYSCOPE_FUZZ needs clang (libFuzzer): configure with the `fuzz` preset")
    endif()
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()
