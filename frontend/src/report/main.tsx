// An offline report: answer the app's API calls from the data embedded in the page, then
// start the app as usual (imports run in order: the shim is in place before the app loads).
import "./install";
import "../main";
