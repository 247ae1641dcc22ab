# vertebro_embed(TARGET NAMESPACE FILES...) compiles the given text files into the target as a
# sorted table of {relative name, contents}, reachable through <base/embedded.h>-style lookups
# generated per namespace. Used for SQL migrations and Mustache templates so the binary needs no
# files beside it.
set(VERTEBRO_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_files.cmake)

function(vertebro_embed target ns base_dir)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${ns}_embedded.cpp)
  set(files ${ARGN})
  list(SORT files)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNS=${ns} -DBASE=${base_dir} "-DFILES=${files}"
            -P ${VERTEBRO_EMBED_SCRIPT}
    DEPENDS ${files} ${VERTEBRO_EMBED_SCRIPT}
    COMMENT "Embedding ${ns} files"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
