import { installReport } from "./shim";

installReport();
