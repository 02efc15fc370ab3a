#!/usr/bin/env node
// Operator command line. Runs the compiled server (npm ci builds dist/ through the prepare script).
import '../dist/edge/src/cli/run.js'
