ipvsadm -R <<EOF

   -A   -t 10.10.0.1:80	-s rr   
ipvsadm
	
-a -t 10.10.0.1:80 ipvsadm -r 10.20.0.1 -m
EOF
ipvsadm -Sn
