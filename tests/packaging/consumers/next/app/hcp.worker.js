// The app's worker file: one line, so the bundler builds hcp-kit's worker.
import "hcp-kit/worker";
