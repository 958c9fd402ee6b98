#!/usr/bin/env node
// The `dealer-crm` command: a file that exists before the build, so that installing the workspace
// can link the command without warnings; the program is the built dist/esm/bin.js.
import '../dist/esm/bin.js'
