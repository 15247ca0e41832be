// Import maps do not reach workers: the worker imports the file by its path.
import "./node_modules/hcp-kit/worker.js";
