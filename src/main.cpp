// vertebro: the one place that wires the layers together is cli::run.
#include <exception>
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  try {
    return vertebro::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "vertebro: stopped by an unexpected error: " << e.what() << "\n";
    return 1;
  }
}
