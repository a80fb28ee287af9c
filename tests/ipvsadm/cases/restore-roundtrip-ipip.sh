ipvsadm -R <<EOF
-A -t 10.10.0.100:80 -s wrr -p 60 -M 255.255.0.0
-a -t 10.10.0.100:80 -r 10.20.0.11:80 -g -w 4
-a -t 10.10.0.100:80 -r 10.20.0.12:80 -i -w 2 --tun-type ipip
-A -u 10.10.0.100:53 -s sh -b sh-fallback -o
-a -u 10.10.0.100:53 -r 10.20.0.11:5353 -m -w 1
-A -f 77 -s mh -b mh-fallback,mh-port
EOF
ipvsadm -Sn
ipvsadm -Ln
