{
  "variables": {
    "electra_decaf%": "<!(node -p \"require('node:fs').existsSync('/usr/include/decaf/decaf/point_255.h') ? 1 : 0\")"
  },
  "targets": [
    {
      "target_name": "electra_group",
      "sources": ["src/electra_group.c"],
      "libraries": ["-lsodium"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "conditions": [
        [
          "electra_decaf==1",
          {
            "sources": ["src/lincomb.c"],
            "include_dirs": ["/usr/include/decaf"],
            "defines": ["ELECTRA_HAVE_DECAF"],
            "libraries": ["-ldecaf", "-lpthread"]
          }
        ]
      ]
    }
  ]
}
