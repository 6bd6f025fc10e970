#!/usr/bin/env node
// The `isawatt` launcher is bin/isawatt.cjs (CommonJS: Node starts it without its ES-module
// loader). This file keeps the earlier path working for links and units made before it moved.
import './isawatt.cjs';
