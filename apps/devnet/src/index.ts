export { bringUpDemo, demoDeviceSigner, type DemoNode, type DemoSystem } from './demo.ts';
