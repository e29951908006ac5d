{
  "targets": [
    {
      "target_name": "electra_group",
      "sources": ["src/electra_group.c"],
      "libraries": ["-lsodium"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
