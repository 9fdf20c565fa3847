using System;
using System.Collections.Generic;
using System.Threading;
using ChdkPtp.Protocol.Chdk.Connection;
using ChdkPtp.Protocol.Ptp;
using ChdkPtp.Protocol.Transport.Usb;

namespace ChdkPtp.Protocol.Tests.Usb
{
    /// <summary>How a session finds its USB camera again after it went away: <see cref="UsbCameraConnector.Find"/>.</summary>
    public sealed class UsbCameraConnectorTests
    {
        private const ushort Canon = 0x04A9;
        private const ushort Sx160 = 0x325A;
        private const ushort G7x = 0x3304;

        private static UsbCameraInfo Device(int bus, int address, string port, ushort product = Sx160, ushort vendor = Canon) =>
            new UsbCameraInfo(bus, address, port, vendor, product, 0, 0, 1);

        private static UsbCameraInfo Find(UsbCameraInfo was, params UsbCameraInfo[] present) =>
            new UsbCameraConnector(was).Find(new List<UsbCameraInfo>(present));

        [Fact]
        public void A_camera_replugged_into_its_port_is_found_at_its_new_address_even_beside_a_twin()
        {
            var was = Device(1, 2, "1-1.2");
            var twin = Device(1, 5, "1-1.3");
            var back = Device(1, 7, "1-1.2");
            Assert.Same(back, Find(was, twin, back));
            Assert.Same(back, Find(was, back, twin));
        }

        [Fact]
        public void The_port_wins_over_the_old_address_which_another_device_may_have_taken()
        {
            var was = Device(1, 2, "1-1.2");
            var atOldAddress = Device(1, 2, "1-1.4"); // another camera of the same model got address 2
            var back = Device(1, 9, "1-1.2");
            Assert.Same(back, Find(was, atOldAddress, back));
        }

        [Fact]
        public void On_its_port_a_camera_of_another_model_is_returned_for_the_identity_check_to_refuse()
        {
            var was = Device(1, 2, "1-1.2");
            var other = Device(1, 3, "1-1.2", G7x);
            Assert.Same(other, Find(was, other));
        }

        [Fact]
        public void The_same_port_number_on_another_bus_is_another_port()
        {
            var was = Device(1, 2, "1-1");
            var elsewhere = Device(2, 3, "1-1");      // a port path is per bus: not this one
            var twin = Device(3, 4, "3-2");
            Assert.Null(Find(was, elsewhere, twin)); // two of the model elsewhere: ambiguous
        }

        [Fact]
        public void Without_a_port_path_the_same_address_and_product_is_the_camera()
        {
            var was = Device(1, 4, "");
            var same = Device(1, 4, "");
            var twin = Device(1, 6, "");
            Assert.Same(same, Find(was, twin, same));
            // the same address holding another model is not it
            Assert.Null(Find(was, Device(1, 4, "", G7x), twin, Device(1, 8, "")));
        }

        [Fact]
        public void When_its_port_is_empty_the_same_address_is_tried_next()
        {
            var was = Device(1, 4, "1-1.2");
            var sameAddress = Device(1, 4, "1-1.5"); // the hub was renumbered
            var twin = Device(1, 6, "1-1.6");
            Assert.Same(sameAddress, Find(was, twin, sameAddress));
        }

        [Fact]
        public void Then_the_only_device_of_its_model_wherever_it_is()
        {
            var was = Device(1, 2, "1-1.2");
            var moved = Device(2, 9, "2-4");
            Assert.Same(moved, Find(was, Device(1, 3, "1-1.3", G7x), moved));
            Assert.Same(moved, Find(Device(1, 2, ""), moved));
        }

        [Fact]
        public void Two_of_its_model_elsewhere_is_ambiguous_and_nothing_is_null()
        {
            var was = Device(1, 2, "1-1.2");
            Assert.Null(Find(was, Device(1, 5, "1-1.3"), Device(2, 6, "2-1")));
            Assert.Null(Find(was));
            Assert.Null(Find(was, Device(1, 3, "1-1.4", G7x)));
            Assert.Null(Find(was, Device(1, 3, "1-1.4", Sx160, vendor: 0x04B0))); // same product id, another maker
        }

        [Fact]
        public void It_is_described_by_its_port_and_a_camera_that_is_not_there_is_NoDevice()
        {
            var was = Device(7, 99, "7-3.1");
            var connector = new UsbCameraConnector(was);
            Assert.Equal("usb:7-3.1", connector.Description);
            Assert.Equal("usb:007/099", new UsbCameraConnector(Device(7, 99, "")).Description);
            Assert.Throws<ArgumentNullException>(() => new UsbCameraConnector(null));

            // Against this machine's real bus: no camera is at bus 7 port 3.1 (and if libusb is missing, that is said)
            var ex = Assert.ThrowsAny<UsbTransportException>(() => connector.Connect(CancellationToken.None));
            if (ex.Kind == UsbErrorKind.NotInstalled) return;
            Assert.Equal(UsbErrorKind.NoDevice, ex.Kind);
            Assert.Contains("No camera with USB id 04a9:325a is on usb:7-3.1", ex.Message);
            Assert.IsAssignableFrom<PtpTransportException>(ex); // what CameraReconnector waits through
            Assert.Same(was, connector.Camera); // not found: the place to look stays the same
        }
    }
}
