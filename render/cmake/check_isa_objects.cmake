# ctest script: fails when an object of one instruction-set build defines a
# global symbol outside that build's namespace, i.e. code the linker could
# pick for every caller (render/cmake/isa.cmake says why that must not be).
#   cmake -DNM=<nm> -DNAMESPACE=<isa> -DOBJECTS=<a.o|b.o|...> -P check_isa_objects.cmake
string(REPLACE "|" ";" objects "${OBJECTS}")
set(stray "")
foreach(object IN LISTS objects)
  execute_process(COMMAND "${NM}" -C -g --defined-only "${object}"
                  OUTPUT_VARIABLE symbols RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${object}")
  endif()
  string(REPLACE "\n" ";" lines "${symbols}")
  foreach(line IN LISTS lines)
    # DW.ref.__gxx_personality_v0: the exception personality pointer, data.
    if(line AND NOT line MATCHES "::${NAMESPACE}::" AND NOT line MATCHES "DW\\.ref\\.__gxx_personality_v0")
      string(APPEND stray "\n  ${object}: ${line}")
    endif()
  endforeach()
endforeach()
if(stray)
  message(FATAL_ERROR "defined outside namespace ${NAMESPACE}:${stray}")
endif()
list(LENGTH objects count)
message(STATUS "${count} objects, every global symbol in namespace ${NAMESPACE}")
