# SIMD kernels built once per instruction set: each build is an object
# library compiled with its -march and ST_ISA=<isa> (the namespace its
# kernels live in), linked into the one library, and the build to run is
# picked at run time (splattrack::active_isa(), render/src/isa.cpp), the
# same for render and losses. The default build thus stays portable and
# still uses AVX2 and FMA where the CPU has them.
include_guard(GLOBAL)

# splattrack_isa_objects(<library> SOURCES ... [OPTIONS ...] [LINK ...])
# Adds the per-ISA objects <library>_isa_<isa> of SOURCES to <library>, with
# <library>'s include/ and src/ folders, OPTIONS as compile options and LINK
# for usage requirements; defines SPLATTRACK_ISA_V3 on <library> when the
# x86-64-v3 build exists. The kernel sources must not emit any out-of-line
# code shared with other objects (an inline function or template instance
# compiled for v3 could be the copy the linker keeps for everyone): helpers
# are always_inline, allocation stays outside (test isa_objects_self_contained).
function(splattrack_isa_objects library)
  cmake_parse_arguments(ARG "" "" "SOURCES;OPTIONS;LINK" ${ARGN})
  set(isas baseline)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    list(APPEND isas v3)
    set(flags_v3 -march=x86-64-v3)
  endif()
  foreach(isa IN LISTS isas)
    set(objects ${library}_isa_${isa})
    add_library(${objects} OBJECT ${ARG_SOURCES})
    target_include_directories(${objects} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/include ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_link_libraries(${objects} PRIVATE ${ARG_LINK})
    target_compile_definitions(${objects} PRIVATE ST_ISA=${isa})
    target_compile_options(${objects} PRIVATE ${ARG_OPTIONS} ${flags_${isa}})
    set_target_properties(${objects} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    target_sources(${library} PRIVATE $<TARGET_OBJECTS:${objects}>)
  endforeach()
  if("v3" IN_LIST isas)
    target_compile_definitions(${library} PRIVATE SPLATTRACK_ISA_V3)
  endif()
endfunction()
