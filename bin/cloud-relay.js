#!/usr/bin/env node
// The headquarters relay's command line. Runs the compiled relay (npm ci builds dist/ through the prepare script).
import '../dist/cloud-relay/src/cli.js'
