// What to install when there is no WebGPU adapter: shared by the helper's "no adapter" answer and `kernellens doctor`.
/** What to install for a WebGPU adapter on this OS. */
export function driverAdvice(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case "linux":
      return "install a Vulkan driver: your GPU vendor's, or Mesa's software one (Debian bookworm: `apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1`; Ubuntu 24.04+: `apt-get install mesa-vulkan-drivers`)";
    case "win32":
      return "update your GPU driver (Dawn uses Direct3D 12 or Vulkan); on a machine without a GPU, install the Microsoft Basic Render Driver (WARP) through Windows Update";
    case "darwin":
      return "use macOS 13 or later on Apple silicon or a Metal-capable Mac (Dawn uses Metal)";
    default:
      return "install a Vulkan driver for your GPU";
  }
}
